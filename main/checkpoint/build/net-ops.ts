// Layers of the LDM networks over GraphBuilder, with weights read by key from a checkpoint. Every
// parameter's shape is checked against what the layer needs before it is read; weights are stored in
// the build's dtype (float16 builds compute in float16, except where noted).
import type { GraphBuilder } from '../../onnx/graph-builder.ts';
import { ONNX_DATA_TYPE } from '../../onnx/tensor.ts';
import type { TensorSource } from '../tensor-source.ts';

export type BuildDtype = 'float32' | 'float16';

/** torch.nn.Linear stores [out, in]; MatMul wants [in, out]. */
function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

export class NetOps {
  constructor(
    readonly g: GraphBuilder,
    readonly src: TensorSource,
    /** Prepended to every key (e.g. `model.diffusion_model.`). */
    readonly prefix: string,
    readonly dtype: BuildDtype,
  ) {}

  /** The checkpoint key of a parameter named relative to the prefix. */
  fullKey(key: string): string {
    return this.prefix + key;
  }

  /** The parameter's float32 values after checking it exists with exactly `shape`. */
  async param(key: string, shape: readonly number[]): Promise<Float32Array> {
    const full = this.prefix + key;
    if (!this.src.has(full))
      throw new Error(`${this.src.name}: key "${full}" is missing (expected shape [${shape}])`);
    const actual = this.src.info(full).shape;
    if (actual.length !== shape.length || actual.some((d, i) => d !== shape[i])) {
      throw new Error(`${this.src.name}: key "${full}" has shape [${actual}], expected [${shape}]`);
    }
    return this.src.read(full);
  }

  /** A weight initializer in the build dtype. */
  async weight(key: string, shape: readonly number[], stored: readonly number[] = shape): Promise<string> {
    const values = await this.param(key, shape);
    return this.g.initializer(key.replaceAll('.', '_'), values, stored, this.dtype, [this.fullKey(key)]);
  }

  scalar(value: number): string {
    return this.g.scalar(value, this.dtype);
  }

  /** Cast between float32 and the build dtype (no node when they agree). */
  toFloat32(x: string): string {
    return this.dtype === 'float32' ? x : this.g.node('Cast', [x], { to: 1 });
  }
  fromFloat32(x: string): string {
    return this.dtype === 'float32' ? x : this.g.node('Cast', [x], { to: ONNX_DATA_TYPE[this.dtype] });
  }

  silu(x: string): string {
    return this.g.node('Mul', [x, this.g.node('Sigmoid', [x])]);
  }

  /** Exact (erf) GELU, torch's F.gelu default: x·½(1 + erf(x/√2)). */
  gelu(x: string): string {
    const erf = this.g.node('Erf', [this.g.node('Mul', [x, this.scalar(Math.SQRT1_2)])]);
    return this.g.node('Mul', [
      this.g.node('Mul', [x, this.scalar(0.5)]),
      this.g.node('Add', [erf, this.scalar(1)]),
    ]);
  }

  /** torch.nn.Linear on the last axis: x @ Wᵀ (+ b). */
  async linear(x: string, key: string, cin: number, cout: number, bias = true): Promise<string> {
    const w = transpose2d(await this.param(`${key}.weight`, [cout, cin]), cout, cin);
    const y = this.g.node('MatMul', [
      x,
      this.g.initializer(`${key.replaceAll('.', '_')}_wt`, w, [cin, cout], this.dtype, [
        this.fullKey(`${key}.weight`),
      ]),
    ]);
    return bias ? this.g.node('Add', [y, await this.weight(`${key}.bias`, [cout])]) : y;
  }

  /** torch.nn.Conv2d, NCHW, square kernel, symmetric padding. */
  async conv(
    x: string,
    key: string,
    cin: number,
    cout: number,
    k: number,
    stride = 1,
    pad = (k - 1) / 2,
  ): Promise<string> {
    const w = await this.weight(`${key}.weight`, [cout, cin, k, k]);
    const b = await this.weight(`${key}.bias`, [cout]);
    return this.g.node('Conv', [x, w, b], {
      kernel_shape: [k, k],
      strides: [stride, stride],
      pads: [pad, pad, pad, pad],
    });
  }

  /**
   * torch.nn.GroupNorm(32, c, eps) on NCHW as Reshape → InstanceNormalization → Reshape → Mul → Add,
   * a form every execution provider runs. Statistics in float32 (as LDM's GroupNorm32 computes them).
   */
  async groupNorm(x: string, key: string, c: number, eps: number, groups = 32): Promise<string> {
    if (c % groups !== 0)
      throw new Error(`GroupNorm ${this.prefix}${key}: ${c} channels do not split into ${groups} groups`);
    const g = this.g;
    const grouped = g.node('Reshape', [this.toFloat32(x), g.i64([0, groups, -1])]);
    const ones = g.f32('gn_one', new Float32Array(groups).fill(1));
    const zeros = g.f32('gn_zero', new Float32Array(groups));
    const normed = g.node('InstanceNormalization', [grouped, ones, zeros], { epsilon: { f: eps } });
    const back = this.fromFloat32(g.node('Reshape', [normed, g.node('Shape', [x])]));
    const scale = await this.weight(`${key}.weight`, [c], [c, 1, 1]);
    const shift = await this.weight(`${key}.bias`, [c], [c, 1, 1]);
    return g.node('Add', [g.node('Mul', [back, scale]), shift]);
  }

  /** torch.nn.LayerNorm(c) (eps 1e-5) over the last axis. */
  async layerNorm(x: string, key: string, c: number): Promise<string> {
    const scale = await this.weight(`${key}.weight`, [c]);
    const shift = await this.weight(`${key}.bias`, [c]);
    return this.g.node('LayerNormalization', [x, scale, shift], { axis: -1, epsilon: { f: 1e-5 } });
  }

  /**
   * softmax(q kᵀ / √width) v over `heads` heads, for [B, S, heads·width] queries and [B, L, heads·width]
   * keys/values. Fused: com.microsoft.MultiHeadAttention (CPU, CUDA). Unfused: MatMul/Softmax, for
   * ORT 1.30's WebGPU EP, whose MultiHeadAttention flash path gives wrong results once the sequence
   * reaches 32 on GPUs with subgroups (microsoft/onnxruntime#27791, #26715). `float32` computes the
   * attention in float32 inside a float16 build.
   */
  attention(q: string, k: string, v: string, heads: number, width: number, opts: AttentionOptions): string {
    const cast = opts.float32 && this.dtype !== 'float32';
    const [qq, kk, vv] = cast ? [q, k, v].map((t) => this.toFloat32(t)) : [q, k, v];
    const out = opts.fused
      ? this.g.node('com.microsoft.MultiHeadAttention', [qq, kk, vv], {
          num_heads: heads,
          scale: { f: 1 / Math.sqrt(width) },
        })
      : this.unfusedAttention(qq, kk, vv, heads, width, cast ? 'float32' : this.dtype);
    return cast ? this.fromFloat32(out) : out;
  }

  private unfusedAttention(
    q: string,
    k: string,
    v: string,
    heads: number,
    width: number,
    type: BuildDtype,
  ): string {
    const g = this.g;
    const split = (x: string, perm: number[]) =>
      g.node('Transpose', [g.node('Reshape', [x, g.i64([0, 0, heads, width])])], { perm });
    const qh = split(q, [0, 2, 1, 3]); // [B, h, S, d]
    const kt = split(k, [0, 2, 3, 1]); // [B, h, d, L]
    const vh = split(v, [0, 2, 1, 3]); // [B, h, L, d]
    const scores = g.node('Mul', [g.node('MatMul', [qh, kt]), g.scalar(1 / Math.sqrt(width), type)]);
    const out = g.node('MatMul', [g.node('Softmax', [scores], { axis: -1 }), vh]);
    return g.node('Reshape', [
      g.node('Transpose', [out], { perm: [0, 2, 1, 3] }),
      g.i64([0, 0, heads * width]),
    ]);
  }
}

export interface AttentionOptions {
  /** com.microsoft.MultiHeadAttention (true) or MatMul/Softmax (false). */
  fused: boolean;
  /** Compute in float32 inside a float16 build. */
  float32: boolean;
}
