// Checkpoint tensors as ONNX initializers: read by key from a TensorSource (widened to float32),
// shape-checked against what the structure expects, stored in the build dtype and cast back to float32
// inside the graph (float16 builds store half the bytes and still compute in float32 on every provider).
import type { GraphBuilder } from '../../onnx/graph-builder.ts';
import type { TensorSource } from '../tensor-source.ts';
import type { BuildDtype } from './net-ops.ts';

export type { BuildDtype } from './net-ops.ts';

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** [rows, cols] row-major -> [cols, rows]: torch Linear weights are [out, in], MatMul wants [in, out]. */
export function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

export class CheckpointWeights {
  /** Initializers already made, by key and stored shape: a tensor used twice is stored once. */
  private readonly made = new Map<string, string>();

  constructor(
    readonly g: GraphBuilder,
    readonly src: TensorSource,
    readonly dtype: BuildDtype,
  ) {}

  /** The tensor's shape; throws naming the source and the key when absent. */
  shape(key: string): readonly number[] {
    if (!this.src.has(key)) throw new Error(`${this.src.name}: missing tensor "${key}"`);
    return this.src.info(key).shape;
  }

  /** The values of `key`, after checking that its shape is `expected`. */
  async values(key: string, expected: readonly number[]): Promise<Float32Array> {
    const shape = this.shape(key);
    if (!sameShape(shape, expected)) {
      throw new Error(
        `${this.src.name}: tensor "${key}" has shape [${shape.join(', ')}], expected [${expected.join(', ')}]`,
      );
    }
    return this.src.read(key);
  }

  /**
   * Store `values` with `dims` in the build dtype; returns a float32 value name. `origin`: the
   * checkpoint tensors they were computed from (default: the tensor `name` itself).
   */
  store(
    name: string,
    values: Float32Array,
    dims: readonly number[],
    dtype = this.dtype,
    origin: readonly string[] = [name],
  ): string {
    const stored = this.g.initializer(name.replace(/[^A-Za-z0-9_]/g, '_'), values, dims, dtype, origin);
    return dtype === 'float32' ? stored : this.g.node('Cast', [stored], { to: 1 });
  }

  /** A float32 constant made once per graph under `name`. */
  constant(name: string, make: () => Float32Array, dims: readonly number[]): string {
    const id = `constant:${name}`;
    let value = this.made.get(id);
    if (!value) {
      value = this.g.initializer(name, make(), dims, 'float32');
      this.made.set(id, value);
    }
    return value;
  }

  /** `key` as an initializer, checked against `expected` and stored with shape `dims` (default: expected). */
  async tensor(
    key: string,
    expected: readonly number[],
    dims: readonly number[] = expected,
  ): Promise<string> {
    const id = `${key}|${dims.join(',')}`;
    const known = this.made.get(id);
    if (known) return known;
    const name = this.store(key, await this.values(key, expected), dims);
    this.made.set(id, name);
    return name;
  }

  /** A torch Linear [out, in] weight as a MatMul right-hand side [in, out]. */
  async linearWeight(key: string, outDim: number, inDim: number): Promise<string> {
    const w = await this.values(key, [outDim, inDim]);
    return this.store(key, transpose2d(w, outDim, inDim), [inDim, outDim]);
  }

  /** x @ Wᵀ + b for a torch Linear stored as `${prefix}.weight` / `${prefix}.bias`. */
  async linear(x: string, prefix: string, inDim: number, outDim: number): Promise<string> {
    const y = this.g.node('MatMul', [x, await this.linearWeight(`${prefix}.weight`, outDim, inDim)]);
    return this.g.node('Add', [y, await this.tensor(`${prefix}.bias`, [outDim])]);
  }

  /** LayerNormalization over the last axis with `${prefix}.weight` / `${prefix}.bias`. */
  async layerNorm(x: string, prefix: string, dim: number, epsilon = 1e-5): Promise<string> {
    const scale = await this.tensor(`${prefix}.weight`, [dim]);
    const bias = await this.tensor(`${prefix}.bias`, [dim]);
    return this.g.node('LayerNormalization', [x, scale, bias], { axis: -1, epsilon: { f: epsilon } });
  }
}
