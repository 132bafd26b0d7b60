// CONDITIONING batches: broadcasting, concatenating and slicing the hidden states together with SDXL's
// pooled embedding and size conditioning (row for row), and SDXL's `time_ids` rows for a latent size.
import type { Conditioning, PooledConditioning, SizeConditioning, Tensor } from '../types.ts';
import { batchSlice, broadcastBatch } from './batch.ts';

/** Pixels per latent cell (Stable Diffusion's VAE, SDXL's too). */
const LATENT_SCALE = 8;

function concatTensors(first: Tensor, second: Tensor): Tensor {
  const data = new Float32Array(first.data.length + second.data.length);
  data.set(first.data);
  data.set(second.data, first.data.length);
  return { data, shape: [first.shape[0] + second.shape[0], ...first.shape.slice(1)] };
}

function repeatRows<T>(rows: readonly T[], batch: number): T[] {
  return rows.length === batch ? [...rows] : Array.from({ length: batch }, () => rows[0]);
}

/** SDXL's pooled embedding and sizes of `cond`, when it has them. */
export function pooledParts(cond: Conditioning): PooledConditioning | undefined {
  return cond.pooled && cond.sizes ? { pooled: cond.pooled, sizes: cond.sizes } : undefined;
}

/** `cond` with `batch` rows (one row repeats); undefined when its batch is neither 1 nor `batch`. */
export function broadcastConditioning(cond: Conditioning, batch: number): Conditioning | undefined {
  const states = broadcastBatch(cond, batch);
  if (!states) return undefined;
  const parts = pooledParts(cond);
  if (!parts) return states;
  const pooled = broadcastBatch(parts.pooled, batch);
  if (!pooled) return undefined;
  return { ...states, pooled, sizes: repeatRows(parts.sizes, batch) };
}

/** `first`'s rows then `second`'s (both SDXL or neither). */
export function concatConditioning(first: Conditioning, second: Conditioning): Conditioning {
  const states = concatTensors(first, second);
  const [a, b] = [pooledParts(first), pooledParts(second)];
  if (!a && !b) return states;
  if (!a || !b) {
    throw new Error(
      'cannot batch SDXL conditioning (with a pooled embedding) with conditioning that has none',
    );
  }
  return { ...states, pooled: concatTensors(a.pooled, b.pooled), sizes: [...a.sizes, ...b.sizes] };
}

/** Rows `start` .. `start + count − 1` (views, no copies). */
export function sliceConditioning(cond: Conditioning, start: number, count: number): Conditioning {
  const states = batchSlice(cond, start, count);
  const parts = pooledParts(cond);
  if (!parts) return states;
  return {
    ...states,
    pooled: batchSlice(parts.pooled, start, count),
    sizes: parts.sizes.slice(start, start + count),
  };
}

/** The aesthetic score a side gets when none was set (ComfyUI: 6 positive, 2.5 negative). */
export function withDefaultAesthetic(cond: Conditioning, side: 'positive' | 'negative'): Conditioning {
  if (!cond.sizes || cond.sizes.every((s) => s.aestheticScore !== undefined)) return cond;
  const score = side === 'positive' ? 6 : 2.5;
  return { ...cond, sizes: cond.sizes.map((s) => ({ ...s, aestheticScore: s.aestheticScore ?? score })) };
}

/**
 * SDXL's `time_ids` [rows, count] for a latent of `latentHeight` × `latentWidth` cells: count 6 (base:
 * original h, w, crop top, left, target h, w) or 5 (refiner: h, w, crop top, left, aesthetic score), as
 * sgm's conditioner and diffusers' `_get_add_time_ids` order them.
 */
export function sdxlTimeIds(
  sizes: readonly SizeConditioning[],
  count: number,
  latentHeight: number,
  latentWidth: number,
): Float32Array {
  if (count !== 5 && count !== 6) {
    throw new Error(`SDXL time_ids have 6 values (base) or 5 (refiner); the U-Net asks for ${count}`);
  }
  const orLatent = (pixels: number, cells: number) => (pixels > 0 ? pixels : cells * LATENT_SCALE);
  const out = new Float32Array(sizes.length * count);
  for (const [row, s] of sizes.entries()) {
    const height = orLatent(s.originalHeight, latentHeight);
    const width = orLatent(s.originalWidth, latentWidth);
    const tail =
      count === 6
        ? [orLatent(s.targetHeight, latentHeight), orLatent(s.targetWidth, latentWidth)]
        : [s.aestheticScore ?? 6];
    out.set([height, width, s.cropTop, s.cropLeft, ...tail], row * count);
  }
  return out;
}
