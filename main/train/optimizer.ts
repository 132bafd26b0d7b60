// Adam (Kingma & Ba 2015, Algorithm 1, with bias correction), global-norm gradient clipping, and an
// exponential moving average of the weights (the weights DDPM samples with, Ho et al. 2020 §4).
import type { Param } from './param.ts';

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Clip the gradient's global L2 norm to this (Ho et al. clip at 1). */
  clipNorm?: number;
}

export class Adam {
  readonly m: Float32Array[];
  readonly v: Float32Array[];
  /** Number of updates applied so far (the t of the bias correction). */
  step = 0;

  constructor(
    readonly params: Param[],
    readonly options: AdamOptions,
  ) {
    this.m = params.map((p) => new Float32Array(p.data.length));
    this.v = params.map((p) => new Float32Array(p.data.length));
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }

  /** Clip, then θ ← θ − lr·m̂/(√v̂ + ε); returns the gradient norm before clipping. */
  update(): number {
    const { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, clipNorm = Infinity } = this.options;
    let squares = 0;
    for (const p of this.params) for (let i = 0; i < p.grad.length; i++) squares += p.grad[i] * p.grad[i];
    const norm = Math.sqrt(squares);
    const clip = norm > clipNorm ? clipNorm / norm : 1;
    this.step++;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    this.params.forEach((p, k) => {
      const m = this.m[k];
      const v = this.v[k];
      for (let i = 0; i < p.data.length; i++) {
        const g = p.grad[i] * clip;
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
        p.data[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
      }
    });
    return norm;
  }
}

/** EMA of the weights with diffusers' warm-up: decay_k = min(decay, (1 + k)/(10 + k)). */
export class WeightAverage {
  readonly shadow: Float32Array[];

  constructor(
    readonly params: Param[],
    readonly decay: number,
  ) {
    this.shadow = params.map((p) => Float32Array.from(p.data));
  }

  update(step: number): void {
    const d = Math.min(this.decay, (1 + step) / (10 + step));
    this.params.forEach((p, k) => {
      const s = this.shadow[k];
      for (let i = 0; i < s.length; i++) s[i] = d * s[i] + (1 - d) * p.data[i];
    });
  }

  /** Copy the averaged weights into `target` params (same order and shapes). */
  copyTo(target: Param[]): void {
    target.forEach((p, k) => {
      p.data.set(this.shadow[k]);
    });
  }
}
