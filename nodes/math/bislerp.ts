// ComfyUI's "bislerp" latent resize (comfy/utils.py): along each axis, every output cell spherically
// interpolates the channel vectors of its two bilinear neighbours (angle from the normalised vectors,
// length interpolated linearly), first along the width, then along the height.
import type { Latent } from '../types.ts';
import { f32 } from './numeric.ts';
import { bilinearTaps } from './resize-taps.ts';

/** Per output cell: the two source cells and the ratio, from a bilinear resize of the coordinate ramp. */
function neighbours(inSize: number, outSize: number): { first: number; second: number; ratio: number }[] {
  const ramp = (values: (i: number) => number) =>
    bilinearTaps(inSize, outSize).map((t) =>
      f32(f32(t.weight[0] * values(t.index[0])) + f32(t.weight[1] * values(t.index[1]))),
    );
  const lower = ramp((i) => i);
  // arange + 1 with the last entry kept at the last index
  const upper = ramp((i) => (i < inSize - 1 ? i + 1 : i));
  return lower.map((v, k) => ({
    first: Math.trunc(v),
    second: Math.trunc(upper[k]),
    ratio: f32(v - Math.floor(v)),
  }));
}

function norm(v: Float32Array): number {
  let sum = 0;
  for (const x of v) sum += x * x;
  return f32(Math.sqrt(sum));
}

/** slerp of b1 → b2 at ratio r, written into out (b1, b2 are channel vectors). */
function slerp(b1: Float32Array, b2: Float32Array, r: number, out: Float32Array): void {
  const n1 = norm(b1);
  const n2 = norm(b2);
  let dot = 0;
  for (let k = 0; k < b1.length; k++) {
    const u = n1 === 0 ? 0 : f32(b1[k] / n1);
    const v = n2 === 0 ? 0 : f32(b2[k] / n2);
    dot = f32(dot + f32(u * v));
  }
  if (dot > 1 - 1e-5) {
    out.set(b1); // (nearly) the same direction
    return;
  }
  if (dot < 1e-5 - 1) {
    for (let k = 0; k < b1.length; k++) out[k] = f32(f32(b1[k] * f32(1 - r)) + f32(b2[k] * r));
    return;
  }
  const omega = f32(Math.acos(dot));
  const so = f32(Math.sin(omega));
  const w1 = f32(f32(Math.sin(f32(f32(1 - r) * omega))) / so);
  const w2 = f32(f32(Math.sin(f32(r * omega))) / so);
  const length = f32(f32(n1 * f32(1 - r)) + f32(n2 * r));
  for (let k = 0; k < b1.length; k++) {
    const u = n1 === 0 ? 0 : f32(b1[k] / n1);
    const v = n2 === 0 ? 0 : f32(b2[k] / n2);
    out[k] = f32(f32(f32(w1 * u) + f32(w2 * v)) * length);
  }
}

/** One pass along the last axis (width) of [n, c, h, w] → [n, c, h, outW]. */
function slerpAlongWidth(latent: Latent, outW: number): Latent {
  const [n, c, h, w] = latent.shape;
  const pairs = neighbours(w, outW);
  const out = new Float32Array(n * c * h * outW);
  const b1 = new Float32Array(c);
  const b2 = new Float32Array(c);
  const res = new Float32Array(c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      pairs.forEach(({ first, second, ratio }, x) => {
        for (let k = 0; k < c; k++) {
          const line = ((b * c + k) * h + y) * w;
          b1[k] = latent.data[line + first];
          b2[k] = latent.data[line + second];
        }
        slerp(b1, b2, ratio, res);
        for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * outW + x] = res[k];
      });
  return { data: out, shape: [n, c, h, outW] };
}

function transposeHW(latent: Latent): Latent {
  const [n, c, h, w] = latent.shape;
  const out = new Float32Array(latent.data.length);
  for (let plane = 0; plane < n * c; plane++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) out[plane * h * w + x * h + y] = latent.data[plane * h * w + y * w + x];
  return { data: out, shape: [n, c, w, h] };
}

export function bislerp(latent: Latent, width: number, height: number): Latent {
  const wide = slerpAlongWidth(latent, width);
  return transposeHW(slerpAlongWidth(transposeHW(wide), height));
}
