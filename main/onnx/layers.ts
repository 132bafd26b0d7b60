// Common neural-network pieces over GraphBuilder, with weights from a seeded PRNG.
// Weights are stored in `weightType`; float16 weights are cast to float32 inside the graph, so a
// float16 model computes in float32 on every execution provider while storing half the bytes.
import type { GraphBuilder } from './graph-builder.ts';
import type { SeededRandom } from './random.ts';

export type WeightType = 'float32' | 'float16';

export class Layers {
  constructor(
    readonly g: GraphBuilder,
    readonly rng: SeededRandom,
    readonly weightType: WeightType = 'float32',
  ) {}

  /** A float32-valued weight tensor (cast from float16 storage when weightType is float16). */
  weight(prefix: string, values: ArrayLike<number>, dims: readonly number[]): string {
    const stored = this.g.initializer(prefix, values, dims, this.weightType);
    return this.weightType === 'float32' ? stored : this.g.node('Cast', [stored], { to: 1 });
  }

  /** Normal weights with standard deviation `std`. */
  randn(prefix: string, dims: readonly number[], std: number): string {
    const count = dims.reduce((a, b) => a * b, 1);
    return this.weight(prefix, this.rng.normals(count, std), dims);
  }

  /** x @ W + b with W ~ N(0, 1/in) (variance-preserving). */
  linear(x: string, inDim: number, outDim: number, prefix: string, bias = true): string {
    const y = this.g.node('MatMul', [x, this.randn(`${prefix}_w`, [inDim, outDim], 1 / Math.sqrt(inDim))]);
    return bias ? this.g.node('Add', [y, this.randn(`${prefix}_b`, [outDim], 0.02)]) : y;
  }

  /** 2-D convolution, NCHW, weights ~ N(0, gain²/fan_in). */
  conv(
    x: string,
    cin: number,
    cout: number,
    k: number,
    prefix: string,
    opts: { stride?: number; pad?: number; gain?: number } = {},
  ): string {
    const stride = opts.stride ?? 1;
    const pad = opts.pad ?? Math.floor(k / 2);
    const std = (opts.gain ?? 1) / Math.sqrt(cin * k * k);
    const w = this.randn(`${prefix}_w`, [cout, cin, k, k], std);
    const b = this.randn(`${prefix}_b`, [cout], 0.02);
    return this.g.node('Conv', [x, w, b], {
      kernel_shape: [k, k],
      strides: [stride, stride],
      pads: [pad, pad, pad, pad],
    });
  }

  /** Transposed convolution with kernel = stride (each input cell paints a k×k patch). */
  upsamplePatch(x: string, cin: number, cout: number, k: number, prefix: string, gain = 1): string {
    const w = this.randn(`${prefix}_w`, [cin, cout, k, k], gain / Math.sqrt(cin));
    const b = this.randn(`${prefix}_b`, [cout], 0.02);
    return this.g.node('ConvTranspose', [x, w, b], { kernel_shape: [k, k], strides: [k, k] });
  }

  silu(x: string): string {
    return this.g.node('Mul', [x, this.g.node('Sigmoid', [x])]);
  }

  /** CLIP's quick_gelu: x * sigmoid(1.702 x). */
  quickGelu(x: string): string {
    const scaled = this.g.node('Mul', [x, this.g.scalar(1.702)]);
    return this.g.node('Mul', [x, this.g.node('Sigmoid', [scaled])]);
  }

  /** LayerNorm over the last axis with learnt-looking scale ≈ 1 and shift ≈ 0. */
  layerNorm(x: string, dim: number, prefix: string): string {
    const scale = this.weight(
      `${prefix}_g`,
      Float32Array.from(this.rng.normals(dim, 0.05), (v) => 1 + v),
      [dim],
    );
    const shift = this.randn(`${prefix}_b`, [dim], 0.05);
    return this.g.node('LayerNormalization', [x, scale, shift], { axis: -1, epsilon: 1e-5 });
  }

  /** softmax(q kᵀ / √d + mask) v for [B, N, d] queries and [B, M, d] keys. */
  attention(q: string, k: string, v: string, dim: number, mask?: string): string {
    const kt = this.g.node('Transpose', [k], { perm: [0, 2, 1] });
    let scores = this.g.node('Mul', [this.g.node('MatMul', [q, kt]), this.g.scalar(1 / Math.sqrt(dim))]);
    if (mask) scores = this.g.node('Add', [scores, mask]);
    return this.g.node('MatMul', [this.g.node('Softmax', [scores], { axis: -1 }), v]);
  }
}
