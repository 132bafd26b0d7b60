// Pixel layouts: VAEs work on [batch, 3, H, W] in -1..1; IMAGE wires carry [batch, H, W, 3] in 0..1.
// Big batches are converted in groups of items with a turn of the event loop between them, so a
// cancel reaches the worker.
import { CHUNK_VALUES, inChunks } from '../../nodes/math/interruptible.ts';
import type { ImageBatch } from '../../nodes/types.ts';

/** VAE decoder output -> IMAGE (clamped to 0..1). */
export async function vaePixelsToImage(
  data: Float32Array,
  shape: readonly number[],
  signal?: AbortSignal,
): Promise<ImageBatch> {
  const [batch, channels, height, width] = shape;
  if (channels !== 3) throw new Error(`VAE decoder gave ${channels} channels, expected 3 (RGB)`);
  const plane = height * width;
  const out = new Float32Array(batch * plane * 3);
  await byItems(batch, 3 * plane, (b) => planesToPixels(data, b * 3 * plane, plane, out), signal);
  return { data: out, shape: [batch, height, width, 3] };
}

/** each(b) for every item, in groups of about CHUNK_VALUES values that `signal` may stop between. */
function byItems(batch: number, itemValues: number, each: (b: number) => void, signal?: AbortSignal) {
  const group = Math.max(1, Math.floor(CHUNK_VALUES / Math.max(1, itemValues)));
  return inChunks(
    batch,
    (start, end) => {
      for (let b = start; b < end; b++) each(b);
    },
    signal,
    group,
  );
}

/**
 * One item: three planes from `data[start ..]` interleaved into `out[start ..]` (the same offset:
 * an item has 3·plane values either way), each value (v + 1)/2 clamped to 0..1. One pass with
 * sequential writes (the old plane-by-plane loop wrote with a stride of 3 and took twice as long).
 */
function planesToPixels(data: Float32Array, start: number, plane: number, out: Float32Array): void {
  const end = start + plane;
  let dst = start;
  for (let p = start; p < end; p++, dst += 3) {
    const r = (data[p] + 1) / 2;
    const g = (data[p + plane] + 1) / 2;
    const b = (data[p + 2 * plane] + 1) / 2;
    out[dst] = clamp01(r);
    out[dst + 1] = clamp01(g);
    out[dst + 2] = clamp01(b);
  }
}

/** Math.min(1, Math.max(0, v)) for v ≠ −0, NaN passing through; 25% faster in the loop above. */
function clamp01(v: number): number {
  // biome-ignore lint/complexity/useMathMinMax: the calls are what this avoids
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** IMAGE -> VAE encoder input [batch, 3, H, W] in -1..1. */
export async function imageToVaePixels(image: ImageBatch, signal?: AbortSignal): Promise<Float32Array> {
  const [batch, height, width, channels] = image.shape;
  if (channels !== 3) throw new Error(`image has ${channels} channels, expected 3 (RGB)`);
  const plane = height * width;
  const out = new Float32Array(batch * 3 * plane);
  const item = (b: number) => {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++)
        out[b * 3 * plane + c * plane + p] = image.data[(b * plane + p) * 3 + c] * 2 - 1;
    }
  };
  await byItems(batch, 3 * plane, item, signal);
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
