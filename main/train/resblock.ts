// Residual block with time-embedding injection (Ho et al. 2020, after Wide ResNet):
// h = conv1(SiLU(GN1(x))) + W_t·e, out = skip(x) + conv2(SiLU(GN2(h))), where e = SiLU(time embedding)
// is shared by all blocks and skip is a 1×1 convolution when the channel count changes.
import { SiLU } from './activation.ts';
import { Conv2d } from './conv.ts';
import { Linear } from './linear.ts';
import { GroupNorm } from './norm.ts';
import type { HasParams, Initialiser, Param } from './param.ts';
import { type Act, act } from './tensor.ts';

export class ResBlock implements HasParams {
  readonly norm1: GroupNorm;
  readonly conv1: Conv2d;
  readonly timeProj: Linear;
  readonly norm2: GroupNorm;
  readonly conv2: Conv2d;
  readonly skip?: Conv2d;
  private readonly act1 = new SiLU();
  private readonly act2 = new SiLU();

  constructor(name: string, cin: number, cout: number, embWidth: number, groups: number, init: Initialiser) {
    this.norm1 = new GroupNorm(`${name}.norm1`, cin, groups);
    this.conv1 = new Conv2d(`${name}.conv1`, cin, cout, { kernel: 3 }, init);
    this.timeProj = new Linear(`${name}.time_emb_proj`, embWidth, cout, init);
    this.norm2 = new GroupNorm(`${name}.norm2`, cout, groups);
    // A small last convolution keeps the block close to the identity at the start of training.
    this.conv2 = new Conv2d(`${name}.conv2`, cout, cout, { kernel: 3 }, init, 0.3);
    if (cin !== cout) this.skip = new Conv2d(`${name}.conv_shortcut`, cin, cout, { kernel: 1 }, init);
  }

  params(): Param[] {
    const layers = [
      this.norm1,
      this.conv1,
      this.timeProj,
      this.norm2,
      this.conv2,
      ...(this.skip ? [this.skip] : []),
    ];
    return layers.flatMap((layer) => layer.params());
  }

  forward(x: Act, emb: Act): Act {
    const h = this.conv1.forward(this.act1.forward(this.norm1.forward(x)));
    addPerChannel(h, this.timeProj.forward(emb));
    const out = this.conv2.forward(this.act2.forward(this.norm2.forward(h)));
    const skip = this.skip ? this.skip.forward(x) : x;
    for (let i = 0; i < out.data.length; i++) out.data[i] += skip.data[i];
    return out;
  }

  /** Returns dx and adds the embedding's gradient into dEmb. */
  backward(dy: Act, dEmb: Act): Act {
    const dh = this.norm2.backward(this.act2.backward(this.conv2.backward(dy)));
    const dTime = this.timeProj.backward(sumPerChannel(dh));
    for (let i = 0; i < dEmb.data.length; i++) dEmb.data[i] += dTime.data[i];
    const dx = this.norm1.backward(this.act1.backward(this.conv1.backward(dh)));
    const dSkip = this.skip ? this.skip.backward(dy) : dy;
    for (let i = 0; i < dx.data.length; i++) dx.data[i] += dSkip.data[i];
    return dx;
  }
}

/** h[n, c, :, :] += v[n, c]. */
function addPerChannel(h: Act, v: Act): void {
  const [n, c, height, width] = h.shape;
  const plane = height * width;
  for (let p = 0; p < n * c; p++) {
    const add = v.data[p];
    for (let i = p * plane; i < (p + 1) * plane; i++) h.data[i] += add;
  }
}

/** [N, C] sums of dy over each plane. */
function sumPerChannel(dy: Act): Act {
  const [n, c, height, width] = dy.shape;
  const plane = height * width;
  const out = act([n, c]);
  for (let p = 0; p < n * c; p++) {
    let s = 0;
    for (let i = p * plane; i < (p + 1) * plane; i++) s += dy.data[i];
    out.data[p] = s;
  }
  return out;
}
