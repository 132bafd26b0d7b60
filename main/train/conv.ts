// 2-D convolution (square kernel, zero padding) as im2col + matrix product, with its backward pass.
// Forward: Y[co, p] = Σ_k W[co, k] · col[k, p] + b[co], col[(ci·kh + dy)·kw + dx, p] = x[ci, at(p, dy, dx)].
// Backward: dW = dY · colᵀ, db = Σ_p dY, dcol = Wᵀ · dY, then col2im scatters dcol back onto dx.
import { gemmNN, gemmNT, gemmTN } from './gemm.ts';
import { type HasParams, type Initialiser, Param } from './param.ts';
import { type Act, act, alloc, type Vec } from './tensor.ts';

export interface ConvOptions {
  kernel: 1 | 3;
  stride?: 1 | 2;
}

export class Conv2d implements HasParams {
  readonly weight: Param;
  readonly bias: Param;
  readonly kernel: number;
  readonly stride: number;
  readonly pad: number;
  private input?: Act;
  private col: Vec = alloc(0);

  constructor(
    name: string,
    readonly cin: number,
    readonly cout: number,
    options: ConvOptions,
    init: Initialiser,
    gain = 1,
  ) {
    this.kernel = options.kernel;
    this.stride = options.stride ?? 1;
    this.pad = this.kernel === 3 ? 1 : 0;
    this.weight = init.fanIn(
      new Param(`${name}.weight`, [cout, cin, this.kernel, this.kernel]),
      cin * this.kernel ** 2,
      gain,
    );
    this.bias = new Param(`${name}.bias`, [cout]);
  }

  params(): Param[] {
    return [this.weight, this.bias];
  }

  outSize(size: number): number {
    return Math.floor((size + 2 * this.pad - this.kernel) / this.stride) + 1;
  }

  forward(x: Act): Act {
    const [n, c, h, w] = x.shape;
    if (c !== this.cin) throw new Error(`${this.weight.name}: expected ${this.cin} input channels, got ${c}`);
    this.input = x;
    const ho = this.outSize(h);
    const wo = this.outSize(w);
    const y = act([n, this.cout, ho, wo]);
    const kk = this.cin * this.kernel * this.kernel;
    const plane = ho * wo;
    for (let b = 0; b < n; b++) {
      const [src, s0] = this.columns(x, b);
      const y0 = b * this.cout * plane;
      for (let co = 0; co < this.cout; co++)
        y.data.fill(this.bias.data[co], y0 + co * plane, y0 + (co + 1) * plane);
      gemmNN(this.cout, plane, kk, this.weight.data, 0, src, s0, y.data, y0);
    }
    return y;
  }

  backward(dy: Act): Act {
    const x = this.input;
    if (!x) throw new Error(`${this.weight.name}: backward before forward`);
    const [n, , h, w] = x.shape;
    const plane = dy.shape[2] * dy.shape[3];
    const kk = this.cin * this.kernel * this.kernel;
    const dx = act(x.shape);
    const direct = this.isPointwise();
    const dcol = direct ? dx.data : alloc(kk * plane);
    for (let b = 0; b < n; b++) {
      const [src, s0] = this.columns(x, b);
      const d0 = b * this.cout * plane;
      gemmNT(this.cout, kk, plane, dy.data, d0, src, s0, this.weight.grad, 0);
      for (let co = 0; co < this.cout; co++) {
        let s = 0;
        for (let p = 0; p < plane; p++) s += dy.data[d0 + co * plane + p];
        this.bias.grad[co] += s;
      }
      if (direct) {
        gemmTN(kk, plane, this.cout, this.weight.data, 0, dy.data, d0, dx.data, b * kk * plane);
      } else {
        dcol.fill(0);
        gemmTN(kk, plane, this.cout, this.weight.data, 0, dy.data, d0, dcol, 0);
        this.col2im(dcol, dx.data, b * this.cin * h * w, h, w);
      }
    }
    return dx;
  }

  private isPointwise(): boolean {
    return this.kernel === 1 && this.stride === 1;
  }

  /** The im2col matrix of item b (for a 1×1 stride-1 convolution, the input itself). */
  private columns(x: Act, b: number): [Vec, number] {
    const [, c, h, w] = x.shape;
    if (this.isPointwise()) return [x.data, b * c * h * w];
    const ho = this.outSize(h);
    const wo = this.outSize(w);
    const k = this.kernel;
    const size = c * k * k * ho * wo;
    if (this.col.length !== size) this.col = alloc(size);
    const col = this.col;
    const data = x.data;
    let r = 0;
    for (let ci = 0; ci < c; ci++) {
      const plane0 = (b * c + ci) * h * w;
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          for (let oy = 0; oy < ho; oy++) {
            const iy = oy * this.stride + ky - this.pad;
            const row = r + oy * wo;
            if (iy < 0 || iy >= h) {
              col.fill(0, row, row + wo);
              continue;
            }
            const [start, end] = this.validColumns(kx, w, wo);
            const src = plane0 + iy * w + kx - this.pad;
            for (let ox = 0; ox < start; ox++) col[row + ox] = 0;
            for (let ox = start; ox < end; ox++) col[row + ox] = data[src + ox * this.stride];
            for (let ox = end; ox < wo; ox++) col[row + ox] = 0;
          }
          r += ho * wo;
        }
      }
    }
    return [col, 0];
  }

  /** Output columns [start, end) whose kernel tap kx lands inside an input row of width w. */
  private validColumns(kx: number, w: number, wo: number): [number, number] {
    const start = Math.max(0, Math.ceil((this.pad - kx) / this.stride));
    const end = Math.min(wo, Math.floor((w - 1 + this.pad - kx) / this.stride) + 1);
    return [start, Math.max(start, end)];
  }

  /** Add dcol (im2col layout) back onto the input gradient of one item. */
  private col2im(dcol: Vec, dx: Vec, x0: number, h: number, w: number): void {
    const ho = this.outSize(h);
    const wo = this.outSize(w);
    const k = this.kernel;
    let r = 0;
    for (let ci = 0; ci < this.cin; ci++) {
      const plane0 = x0 + ci * h * w;
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          for (let oy = 0; oy < ho; oy++) {
            const iy = oy * this.stride + ky - this.pad;
            if (iy < 0 || iy >= h) continue;
            const row = r + oy * wo;
            const [start, end] = this.validColumns(kx, w, wo);
            const dst = plane0 + iy * w + kx - this.pad;
            for (let ox = start; ox < end; ox++) dx[dst + ox * this.stride] += dcol[row + ox];
          }
          r += ho * wo;
        }
      }
    }
  }
}
