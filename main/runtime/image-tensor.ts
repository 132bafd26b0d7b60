// Pixel layouts: VAEs work on [batch, 3, H, W] in -1..1; IMAGE wires carry [batch, H, W, 3] in 0..1.
import type { ImageBatch } from '../../nodes/types.ts';

/** VAE decoder output -> IMAGE (clamped to 0..1). */
export function vaePixelsToImage(data: Float32Array, shape: readonly number[]): ImageBatch {
  const [batch, channels, height, width] = shape;
  if (channels !== 3) throw new Error(`VAE decoder gave ${channels} channels, expected 3 (RGB)`);
  const plane = height * width;
  const out = new Float32Array(batch * plane * 3);
  // one channel plane at a time: sequential reads, strided writes (a third of the index work)
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < 3; c++) {
      const src = (b * 3 + c) * plane;
      let dst = b * plane * 3 + c;
      for (let p = 0; p < plane; p++, dst += 3) {
        out[dst] = Math.min(1, Math.max(0, (data[src + p] + 1) / 2));
      }
    }
  }
  return { data: out, shape: [batch, height, width, 3] };
}

/** IMAGE -> VAE encoder input [batch, 3, H, W] in -1..1. */
export function imageToVaePixels(image: ImageBatch): Float32Array {
  const [batch, height, width, channels] = image.shape;
  if (channels !== 3) throw new Error(`image has ${channels} channels, expected 3 (RGB)`);
  const plane = height * width;
  const out = new Float32Array(batch * 3 * plane);
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++)
        out[b * 3 * plane + c * plane + p] = image.data[(b * plane + p) * 3 + c] * 2 - 1;
    }
  }
  return out;
}

/** The first `keep` of every item's channels (the mean of a VAE's latent_parameters). */
export function firstChannels(data: Float32Array, shape: readonly number[], keep: number): Float32Array {
  const [batch, channels, height, width] = shape;
  const plane = height * width;
  const out = new Float32Array(batch * keep * plane);
  for (let b = 0; b < batch; b++) {
    out.set(data.subarray(b * channels * plane, (b * channels + keep) * plane), b * keep * plane);
  }
  return out;
}
