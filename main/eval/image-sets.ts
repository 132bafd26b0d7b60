// Image sets for evaluation: a folder of images (sorted by name) or a list of image files, each
// decoded and resized to a feature model's input as a CHW float32 tensor.
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import type { FeatureConfig } from './feature-config.ts';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);

const SHARP_KERNEL = {
  nearest: 'nearest',
  bilinear: 'linear',
  bicubic: 'cubic',
  lanczos3: 'lanczos3',
} as const;

/** The image files a path names: a folder's images in name order, or the file itself. */
export async function listImages(path: string): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new Error(`${path}: no such file or folder`);
  }
  if (info.isFile()) return [path];
  const names = (await readdir(path)).filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).sort();
  if (names.length === 0) throw new Error(`${path}: no images (.png, .jpg, .webp) in this folder`);
  return names.map((n) => join(path, n));
}

/** RGB pixels in 0..1, [height, width, 3] row-major (the IMAGE layout of one batch item). */
export interface RgbImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** An image file as [H, W, 3] pixels in 0..1. */
export async function readImage(path: string): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(path)
      .rotate()
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: Float32Array.from(data, (v) => v / 255) };
  } catch (error) {
    throw new Error(`${path}: cannot read this image (${(error as Error).message})`);
  }
}

/** Resize (when needed) and normalise one image into a [3, H, W] model input. */
export async function prepareImage(image: RgbImage, config: FeatureConfig): Promise<Float32Array> {
  const [height, width] = config.size;
  let pixels = image.data;
  if (image.width !== width || image.height !== height) {
    const bytes = Uint8Array.from(image.data, (v) => Math.round(Math.min(Math.max(v, 0), 1) * 255));
    const resized = await sharp(bytes, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(width, height, { fit: 'fill', kernel: SHARP_KERNEL[config.resize] })
      .raw()
      .toBuffer();
    pixels = Float32Array.from(resized, (v) => v / 255);
  }
  const [lo, hi] = config.range;
  const mean = config.mean ?? [0, 0, 0];
  const std = config.std ?? [1, 1, 1];
  const out = new Float32Array(3 * height * width);
  const plane = height * width;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      const v = lo + (hi - lo) * pixels[p * 3 + c];
      out[c * plane + p] = (v - mean[c]) / std[c];
    }
  }
  return out;
}
