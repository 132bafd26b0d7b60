// SiLU (swish): y = x·σ(x), dy/dx = σ(x)·(1 + x·(1 − σ(x))).
import { type Act, act } from './tensor.ts';

export class SiLU {
  private input?: Act;

  forward(x: Act): Act {
    this.input = x;
    const y = act(x.shape);
    for (let i = 0; i < x.data.length; i++) {
      const v = x.data[i];
      y.data[i] = v / (1 + Math.exp(-v));
    }
    return y;
  }

  backward(dy: Act): Act {
    const x = this.input;
    if (!x) throw new Error('SiLU: backward before forward');
    const dx = act(x.shape);
    for (let i = 0; i < x.data.length; i++) {
      const v = x.data[i];
      const s = 1 / (1 + Math.exp(-v));
      dx.data[i] = dy.data[i] * s * (1 + v * (1 - s));
    }
    return dx;
  }
}
