// Image files <-> IMAGE batches with sharp: decoding user images, encoding 8-bit PNGs.
import sharp from 'sharp';
import type { ImageBatch } from '../../nodes/types.ts';

/** Decode any format sharp reads (PNG, JPEG, WebP, ...) to a [1, H, W, 3] batch in 0..1. */
export async function decodeImageFile(path: string): Promise<ImageBatch> {
  const { data, info } = await sharp(path)
    .rotate() // honour EXIF orientation
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const pixels = new Float32Array(info.width * info.height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = data[i] / 255;
  return { data: pixels, shape: [1, info.height, info.width, 3] };
}

/** One image of a batch as 8-bit RGB bytes (0..1 clamped and rounded). */
export function imageBytes(image: ImageBatch, index: number): Uint8Array {
  const [, height, width] = image.shape;
  const size = height * width * 3;
  const out = new Uint8Array(size);
  const offset = index * size;
  toBytes(image.data, offset, out);
  return out;
}

/**
 * out[i] ← round(clamp(data[offset + i], 0, 1)·255), ties up, NaN → 0, as Math.round would: v·255
 * of a float32 v is exact in float64 and so is adding ½ (or the result is 0 either way), so
 * truncating v·255 + ½ is Math.round without the calls (several times faster on a 512² image).
 */
function toBytes(data: Float32Array, offset: number, out: Uint8Array): void {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const v = data[offset + i];
    out[i] = v > 0 ? (v < 1 ? (v * 255 + 0.5) | 0 : 255) : 0;
  }
}

/** One image of a batch as a PNG file's bytes. */
export async function encodePng(image: ImageBatch, index: number): Promise<Buffer> {
  const [, height, width, channels] = image.shape;
  if (image.shape.length !== 4 || channels !== 3)
    throw new Error(`expected an image batch [batch, H, W, 3], got [${image.shape}]`);
  return sharp(imageBytes(image, index), { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}
