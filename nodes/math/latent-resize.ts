// Resizing a latent [batch, channels, height, width] as ComfyUI's `common_upscale` does: an optional
// centre crop to the new aspect ratio, then PyTorch's F.interpolate (nearest-exact, bilinear and
// bicubic with align_corners=False, area = adaptive average pooling) or ComfyUI's bislerp.
import type { Latent } from '../types.ts';
import { bislerp } from './bislerp.ts';
import { f32, roundHalfEven } from './numeric.ts';
import { TAPS, type Taps } from './resize-taps.ts';

export const RESIZE_METHODS = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'bislerp'] as const;
export type ResizeMethod = (typeof RESIZE_METHODS)[number];
export const CROP_MODES = ['disabled', 'center'] as const;
export type CropMode = (typeof CROP_MODES)[number];

/** out[y][x] = Σᵢ wyᵢ · Σⱼ wxⱼ · in[yᵢ][xⱼ] for every batch item and channel. */
function separable(latent: Latent, rows: Taps[], cols: Taps[]): Latent {
  const [n, c, h, w] = latent.shape;
  const out = new Float32Array(n * c * rows.length * cols.length);
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (const row of rows) {
      for (const col of cols) {
        let sum = 0;
        for (let i = 0; i < row.index.length; i++) {
          const line = base + row.index[i] * w;
          let inner = 0;
          for (let j = 0; j < col.index.length; j++)
            inner = f32(inner + f32(col.weight[j] * latent.data[line + col.index[j]]));
          sum = f32(sum + f32(row.weight[i] * inner));
        }
        out[o++] = sum;
      }
    }
  }
  return { data: out, shape: [n, c, rows.length, cols.length] };
}

/** ComfyUI's centre crop to the target aspect ratio (Python's round: half to even). */
export function centreCrop(latent: Latent, width: number, height: number): Latent {
  const [n, c, h, w] = latent.shape;
  const oldAspect = w / h;
  const newAspect = width / height;
  let x = 0;
  let y = 0;
  if (oldAspect > newAspect) x = roundHalfEven((w - w * (newAspect / oldAspect)) / 2);
  else if (oldAspect < newAspect) y = roundHalfEven((h - h * (oldAspect / newAspect)) / 2);
  if (x === 0 && y === 0) return latent;
  const ch = h - 2 * y;
  const cw = w - 2 * x;
  const out = new Float32Array(n * c * ch * cw);
  for (let plane = 0; plane < n * c; plane++)
    for (let row = 0; row < ch; row++) {
      const from = plane * h * w + (row + y) * w + x;
      out.set(latent.data.subarray(from, from + cw), (plane * ch + row) * cw);
    }
  return { data: out, shape: [n, c, ch, cw] };
}

/** The latent resized to width × height cells (latent cells, not pixels). */
export function resizeLatent(
  latent: Latent,
  width: number,
  height: number,
  method: ResizeMethod,
  crop: CropMode,
): Latent {
  if (latent.shape.length !== 4) throw new RangeError(`expected a latent [batch, channels, height, width]`);
  if (!(Number.isInteger(width) && width >= 1 && Number.isInteger(height) && height >= 1))
    throw new RangeError(`expected a size of at least 1×1 latent cells, got ${width}×${height}`);
  const source = crop === 'center' ? centreCrop(latent, width, height) : latent;
  if (method === 'bislerp') return bislerp(source, width, height);
  const [, , h, w] = source.shape;
  return separable(source, TAPS[method](h, height), TAPS[method](w, width));
}
