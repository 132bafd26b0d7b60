// Per-axis source cells and weights of PyTorch's F.interpolate with align_corners=False: nearest-exact,
// bilinear, bicubic (A = −0.75) and area (adaptive average pooling). Index and weight formulas follow
// ATen's UpSample.h (area_pixel_compute_source_index, cubic convolution), in float32 as ATen computes them.
import { f32 } from './numeric.ts';

/** The source cells (and their weights) that make one output cell along one axis. */
export interface Taps {
  index: number[];
  weight: number[];
}

/** align_corners=False: src = scale·(dst + ½) − ½ with scale = in/out, in float32 as ATen computes it. */
function sourceCoordinate(scale: number, dst: number): number {
  return f32(f32(scale * (dst + 0.5)) - 0.5);
}

function nearestExactTaps(inSize: number, outSize: number): Taps[] {
  const scale = f32(inSize / outSize);
  return Array.from({ length: outSize }, (_, dst) => ({
    index: [Math.min(Math.floor(f32((dst + 0.5) * scale)), inSize - 1)],
    weight: [1],
  }));
}

/** Also the coordinate ramp bislerp builds from F.interpolate(arange, mode="bilinear"). */
export function bilinearTaps(inSize: number, outSize: number): Taps[] {
  const scale = f32(inSize / outSize);
  return Array.from({ length: outSize }, (_, dst) => {
    const src = Math.max(sourceCoordinate(scale, dst), 0);
    const i0 = Math.floor(src);
    const lambda = f32(Math.min(src - i0, 1));
    return { index: [i0, i0 < inSize - 1 ? i0 + 1 : i0], weight: [f32(1 - lambda), lambda] };
  });
}

const CUBIC_A = -0.75;
const cubic1 = (x: number) => f32(f32(f32(f32(CUBIC_A + 2) * x) - (CUBIC_A + 3)) * x * x + 1);
const cubic2 = (x: number) =>
  f32(f32(f32(f32(CUBIC_A * x) - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A);

function bicubicTaps(inSize: number, outSize: number): Taps[] {
  const scale = f32(inSize / outSize);
  const clamp = (i: number) => Math.min(Math.max(i, 0), inSize - 1);
  return Array.from({ length: outSize }, (_, dst) => {
    const src = sourceCoordinate(scale, dst); // not clamped for cubic
    const i = Math.floor(src);
    const t = f32(src - i);
    const u = f32(1 - t);
    return {
      index: [clamp(i - 1), clamp(i), clamp(i + 1), clamp(i + 2)],
      weight: [cubic2(f32(t + 1)), cubic1(t), cubic1(u), cubic2(f32(u + 1))],
    };
  });
}

/** Adaptive average pooling: cells floor(i·in/out) … ceil((i+1)·in/out) − 1, equally weighted. */
function areaTaps(inSize: number, outSize: number): Taps[] {
  return Array.from({ length: outSize }, (_, dst) => {
    const start = Math.floor((dst * inSize) / outSize);
    const end = Math.ceil(((dst + 1) * inSize) / outSize);
    const index = Array.from({ length: end - start }, (_, k) => start + k);
    return { index, weight: index.map(() => 1 / index.length) };
  });
}

export const TAPS: Record<
  'nearest-exact' | 'bilinear' | 'bicubic' | 'area',
  (inSize: number, outSize: number) => Taps[]
> = {
  'nearest-exact': nearestExactTaps,
  bilinear: bilinearTaps,
  bicubic: bicubicTaps,
  area: areaTaps,
};
