// Nearest-neighbour 2× upsampling (each value copied to a 2×2 block); its backward sums each block.
import { type Act, act } from './tensor.ts';

export class Upsample2x {
  private inputShape: number[] = [];

  forward(x: Act): Act {
    const [n, c, h, w] = x.shape;
    this.inputShape = x.shape;
    const y = act([n, c, 2 * h, 2 * w]);
    for (let p = 0; p < n * c; p++) {
      for (let i = 0; i < 2 * h; i++) {
        const src = p * h * w + (i >> 1) * w;
        const dst = (p * 2 * h + i) * 2 * w;
        for (let j = 0; j < 2 * w; j++) y.data[dst + j] = x.data[src + (j >> 1)];
      }
    }
    return y;
  }

  backward(dy: Act): Act {
    const [n, c, h, w] = this.inputShape;
    const dx = act(this.inputShape);
    for (let p = 0; p < n * c; p++) {
      for (let i = 0; i < 2 * h; i++) {
        const dst = p * h * w + (i >> 1) * w;
        const src = (p * 2 * h + i) * 2 * w;
        for (let j = 0; j < 2 * w; j++) dx.data[dst + (j >> 1)] += dy.data[src + j];
      }
    }
    return dx;
  }
}

/** Channel concatenation [N, Ca, H, W] ++ [N, Cb, H, W] (U-Net skip connections) and its split. */
export function concatChannels(a: Act, b: Act): Act {
  const [n, ca, h, w] = a.shape;
  const cb = b.shape[1];
  const plane = h * w;
  const y = act([n, ca + cb, h, w]);
  for (let i = 0; i < n; i++) {
    y.data.set(a.data.subarray(i * ca * plane, (i + 1) * ca * plane), i * (ca + cb) * plane);
    y.data.set(b.data.subarray(i * cb * plane, (i + 1) * cb * plane), (i * (ca + cb) + ca) * plane);
  }
  return y;
}

export function splitChannels(dy: Act, ca: number): [Act, Act] {
  const [n, c, h, w] = dy.shape;
  const cb = c - ca;
  const plane = h * w;
  const da = act([n, ca, h, w]);
  const db = act([n, cb, h, w]);
  for (let i = 0; i < n; i++) {
    da.data.set(dy.data.subarray(i * c * plane, (i * c + ca) * plane), i * ca * plane);
    db.data.set(dy.data.subarray((i * c + ca) * plane, (i + 1) * c * plane), i * cb * plane);
  }
  return [da, db];
}

/** In-place a += b (residual sums). */
export function addInto(a: Act, b: Act): Act {
  for (let i = 0; i < a.data.length; i++) a.data[i] += b.data[i];
  return a;
}
