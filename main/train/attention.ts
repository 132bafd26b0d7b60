// Single-head self-attention over the pixels of a low-resolution feature map, with a residual:
// y = x + proj(v·softmax(qᵀk/√C)ᵀ), q, k, v = 1×1 convolutions of GroupNorm(x) (Vaswani et al. 2017;
// the attention block of Ho et al. 2020's U-Net). Per item, q, k, v are [C, S] with S = H·W pixels.
import { Conv2d } from './conv.ts';
import { gemmNN, gemmNT, gemmTN } from './gemm.ts';
import { GroupNorm } from './norm.ts';
import type { HasParams, Initialiser, Param } from './param.ts';
import { type Act, act, alloc, type Vec } from './tensor.ts';

export class SelfAttention implements HasParams {
  readonly norm: GroupNorm;
  readonly q: Conv2d;
  readonly k: Conv2d;
  readonly v: Conv2d;
  readonly proj: Conv2d;
  private cache?: { q: Act; k: Act; v: Act; probs: Vec };

  constructor(name: string, channels: number, groups: number, init: Initialiser) {
    this.norm = new GroupNorm(`${name}.norm`, channels, groups);
    this.q = new Conv2d(`${name}.q`, channels, channels, { kernel: 1 }, init);
    this.k = new Conv2d(`${name}.k`, channels, channels, { kernel: 1 }, init);
    this.v = new Conv2d(`${name}.v`, channels, channels, { kernel: 1 }, init);
    this.proj = new Conv2d(`${name}.proj`, channels, channels, { kernel: 1 }, init, 0.5);
  }

  params(): Param[] {
    return [this.norm, this.q, this.k, this.v, this.proj].flatMap((layer) => layer.params());
  }

  forward(x: Act): Act {
    const [n, c, h, w] = x.shape;
    const s = h * w;
    const normed = this.norm.forward(x);
    const q = this.q.forward(normed);
    const k = this.k.forward(normed);
    const v = this.v.forward(normed);
    const probs = alloc(n * s * s);
    const mixed = act(x.shape);
    const scale = 1 / Math.sqrt(c);
    for (let b = 0; b < n; b++) {
      const p0 = b * s * s;
      gemmTN(s, s, c, q.data, b * c * s, k.data, b * c * s, probs, p0);
      softmaxRows(probs, p0, s, scale);
      gemmNT(c, s, s, v.data, b * c * s, probs, p0, mixed.data, b * c * s);
    }
    this.cache = { q, k, v, probs };
    const y = this.proj.forward(mixed);
    for (let i = 0; i < y.data.length; i++) y.data[i] += x.data[i];
    return y;
  }

  backward(dy: Act): Act {
    const cache = this.cache;
    if (!cache) throw new Error(`${this.norm.weight.name}: backward before forward`);
    const { q, k, v, probs } = cache;
    const [n, c, h, w] = dy.shape;
    const s = h * w;
    const scale = 1 / Math.sqrt(c);
    const dMixed = this.proj.backward(dy);
    const dq = act(q.shape);
    const dk = act(k.shape);
    const dv = act(v.shape);
    const dProbs = alloc(s * s);
    for (let b = 0; b < n; b++) {
      const o = b * c * s;
      const p0 = b * s * s;
      gemmNN(c, s, s, dMixed.data, o, probs, p0, dv.data, o);
      dProbs.fill(0);
      gemmTN(s, s, c, dMixed.data, o, v.data, o, dProbs, 0);
      softmaxBackwardRows(probs, p0, dProbs, s, scale);
      gemmNT(c, s, s, k.data, o, dProbs, 0, dq.data, o);
      gemmNN(c, s, s, q.data, o, dProbs, 0, dk.data, o);
    }
    const dNormed = this.q.backward(dq);
    addTo(dNormed.data, this.k.backward(dk).data);
    addTo(dNormed.data, this.v.backward(dv).data);
    const dx = this.norm.backward(dNormed);
    addTo(dx.data, dy.data);
    return dx;
  }
}

function addTo(a: Vec, b: Vec): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}

/** Row-wise softmax of scale·scores in place (max subtracted for stability). */
function softmaxRows(m: Vec, offset: number, s: number, scale: number): void {
  for (let i = 0; i < s; i++) {
    const r = offset + i * s;
    let max = -Infinity;
    for (let j = 0; j < s; j++) max = Math.max(max, m[r + j] * scale);
    let sum = 0;
    for (let j = 0; j < s; j++) {
      const e = Math.exp(m[r + j] * scale - max);
      m[r + j] = e;
      sum += e;
    }
    for (let j = 0; j < s; j++) m[r + j] /= sum;
  }
}

/** dScores = scale·P ⊙ (dP − Σ_j P·dP), written over dP. */
function softmaxBackwardRows(p: Vec, offset: number, d: Vec, s: number, scale: number): void {
  for (let i = 0; i < s; i++) {
    const r = i * s;
    let dot = 0;
    for (let j = 0; j < s; j++) dot += p[offset + r + j] * d[r + j];
    for (let j = 0; j < s; j++) d[r + j] = scale * p[offset + r + j] * (d[r + j] - dot);
  }
}
