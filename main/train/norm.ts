// Group normalisation (Wu & He 2018): per item and group of channels, x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β.
// Backward: dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / √(σ² + ε) with dx̂ = γ·dy, over each group.
import { type HasParams, Param } from './param.ts';
import { type Act, act, alloc, type Vec } from './tensor.ts';

export class GroupNorm implements HasParams {
  readonly weight: Param;
  readonly bias: Param;
  private normalised?: Act;
  private invStd: Vec = alloc(0);

  constructor(
    name: string,
    readonly channels: number,
    readonly groups: number,
    readonly eps = 1e-5,
  ) {
    if (channels % groups !== 0)
      throw new Error(`${name}: ${channels} channels do not split into ${groups} groups`);
    this.weight = new Param(`${name}.weight`, [channels]);
    this.weight.data.fill(1);
    this.bias = new Param(`${name}.bias`, [channels]);
  }

  params(): Param[] {
    return [this.weight, this.bias];
  }

  forward(x: Act): Act {
    const [n, c] = x.shape;
    const plane = x.data.length / (n * c);
    const per = c / this.groups;
    const span = per * plane;
    const xhat = act(x.shape);
    const y = act(x.shape);
    this.invStd = alloc(n * this.groups);
    for (let g0 = 0; g0 < n * this.groups; g0++) {
      const start = g0 * span;
      let mean = 0;
      for (let i = 0; i < span; i++) mean += x.data[start + i];
      mean /= span;
      let variance = 0;
      for (let i = 0; i < span; i++) variance += (x.data[start + i] - mean) ** 2;
      const inv = 1 / Math.sqrt(variance / span + this.eps);
      this.invStd[g0] = inv;
      for (let k = 0; k < per; k++) {
        const channel = (g0 % this.groups) * per + k;
        const gamma = this.weight.data[channel];
        const beta = this.bias.data[channel];
        for (let i = start + k * plane; i < start + (k + 1) * plane; i++) {
          const v = (x.data[i] - mean) * inv;
          xhat.data[i] = v;
          y.data[i] = v * gamma + beta;
        }
      }
    }
    this.normalised = xhat;
    return y;
  }

  backward(dy: Act): Act {
    const xhat = this.normalised;
    if (!xhat) throw new Error(`${this.weight.name}: backward before forward`);
    const [n, c] = dy.shape;
    const plane = dy.data.length / (n * c);
    const per = c / this.groups;
    const span = per * plane;
    const dx = act(dy.shape);
    for (let g0 = 0; g0 < n * this.groups; g0++) {
      const start = g0 * span;
      const c0 = (g0 % this.groups) * per;
      let sumD = 0;
      let sumDX = 0;
      for (let k = 0; k < per; k++) {
        const channel = c0 + k;
        let sumG = 0;
        let sumGX = 0;
        for (let i = start + k * plane; i < start + (k + 1) * plane; i++) {
          sumG += dy.data[i];
          sumGX += dy.data[i] * xhat.data[i];
        }
        this.weight.grad[channel] += sumGX;
        this.bias.grad[channel] += sumG;
        sumD += sumG * this.weight.data[channel];
        sumDX += sumGX * this.weight.data[channel];
      }
      const meanD = sumD / span;
      const meanDX = sumDX / span;
      const inv = this.invStd[g0];
      for (let k = 0; k < per; k++) {
        const gamma = this.weight.data[c0 + k];
        for (let i = start + k * plane; i < start + (k + 1) * plane; i++) {
          dx.data[i] = (dy.data[i] * gamma - meanD - xhat.data[i] * meanDX) * inv;
        }
      }
    }
    return dx;
  }
}
