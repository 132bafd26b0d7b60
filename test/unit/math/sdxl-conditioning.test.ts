// SDXL conditioning batches: the pooled embedding and size conditioning follow the hidden states row for
// row through CFG batching, and time_ids come out in diffusers' `_get_add_time_ids` order:
// original_size (h, w) + crops_coords_top_left (top, left) + target_size (h, w) for the base,
// original_size + crops + (aesthetic_score,) for the refiner.
import { describe, expect, it } from 'vitest';
import {
  broadcastConditioning,
  concatConditioning,
  sdxlTimeIds,
  sliceConditioning,
} from '../../../nodes/math/conditioning.ts';
import { GuidedModel } from '../../../nodes/math/guidance.ts';
import type { Conditioning, Denoiser, SizeConditioning, Tensor } from '../../../nodes/types.ts';

const FROM_LATENT: SizeConditioning = {
  originalWidth: 0,
  originalHeight: 0,
  cropTop: 0,
  cropLeft: 0,
  targetWidth: 0,
  targetHeight: 0,
};

/** One SDXL prompt: states [1, 2, 3] all `value`, pooled [1, 2] = (value, -value). */
function sdxlCond(value: number, size: Partial<SizeConditioning> = {}): Conditioning {
  return {
    data: new Float32Array(6).fill(value),
    shape: [1, 2, 3],
    pooled: { data: Float32Array.of(value, -value), shape: [1, 2] },
    sizes: [{ ...FROM_LATENT, ...size }],
  };
}

describe('sdxlTimeIds', () => {
  it('orders the base ids as (orig h, orig w, crop top, crop left, target h, target w)', () => {
    const size = {
      originalWidth: 1024,
      originalHeight: 768,
      cropTop: 16,
      cropLeft: 32,
      targetWidth: 896,
      targetHeight: 640,
    };
    expect([...sdxlTimeIds([size], 6, 128, 128)]).toEqual([768, 1024, 16, 32, 640, 896]);
  });

  it('takes 0 as the latent size in pixels (8 per cell), as ComfyUI fills unset sizes', () => {
    expect([...sdxlTimeIds([FROM_LATENT], 6, 96, 128)]).toEqual([768, 1024, 0, 0, 768, 1024]);
  });

  it('gives the refiner (h, w, crop top, crop left, aesthetic score) per row', () => {
    const rows = [
      { ...FROM_LATENT, aestheticScore: 2.5 },
      { ...FROM_LATENT, originalWidth: 512, aestheticScore: 7 },
    ];
    expect([...sdxlTimeIds(rows, 5, 64, 64)]).toEqual([512, 512, 0, 0, 2.5, 512, 512, 0, 0, 7]);
  });

  it('refuses an id count that is neither SDXL base nor refiner', () => {
    expect(() => sdxlTimeIds([FROM_LATENT], 4, 8, 8)).toThrow(
      /6 values \(base\) or 5 \(refiner\).*asks for 4/,
    );
  });
});

describe('conditioning batches', () => {
  it('broadcast, concatenate and slice the pooled rows and sizes with the states', () => {
    const both = concatConditioning(
      broadcastConditioning(sdxlCond(1), 2) as Conditioning,
      sdxlCond(2, { cropTop: 8 }),
    );
    expect(both.shape).toEqual([3, 2, 3]);
    expect([...(both.pooled as Tensor).data]).toEqual([1, -1, 1, -1, 2, -2]);
    expect(both.sizes?.map((s) => s.cropTop)).toEqual([0, 0, 8]);
    const last = sliceConditioning(both, 2, 1);
    expect([...last.data]).toEqual([2, 2, 2, 2, 2, 2]);
    expect([...(last.pooled?.data ?? [])]).toEqual([2, -2]);
    expect(last.sizes).toEqual([{ ...FROM_LATENT, cropTop: 8 }]);
  });

  it('leaves SD 1.x/2.x conditioning without SDXL parts', () => {
    const plain: Conditioning = { data: new Float32Array(6).fill(1), shape: [1, 2, 3] };
    const both = concatConditioning(plain, plain);
    expect(both).toEqual({ data: new Float32Array(12).fill(1), shape: [2, 2, 3] });
    expect('pooled' in both || 'sizes' in both).toBe(false);
  });

  it('refuses to batch SDXL conditioning with SD 1.x conditioning', () => {
    const plain: Conditioning = { data: new Float32Array(6), shape: [1, 2, 3] };
    expect(() => concatConditioning(sdxlCond(1), plain)).toThrow(/SDXL conditioning/);
  });
});

/** A denoiser that records the conditioning of each call and returns zeros. */
function recordingDenoiser(batch: 'dynamic' | number) {
  const seen: Conditioning[] = [];
  const denoiser: Denoiser = {
    kind: 'denoiser',
    name: 'recorder',
    config: {} as Denoiser['config'],
    channels: 1,
    batch,
    conditional: true,
    async predict(x, _t, context) {
      if (context) seen.push(context);
      return new Float32Array(x.data.length);
    },
  };
  return { denoiser, seen };
}

describe('classifier-free guidance with SDXL conditioning', () => {
  it('hands one [negative; positive] batch with pooled rows and each side’s aesthetic score', async () => {
    const { denoiser, seen } = recordingDenoiser('dynamic');
    const guided = new GuidedModel({
      denoiser,
      shape: [2, 1, 2, 2],
      cfg: 5,
      positive: sdxlCond(1),
      negative: sdxlCond(2),
    });
    await guided.predict(new Float32Array(8), 500);
    expect(seen).toHaveLength(1);
    expect(seen[0].shape[0]).toBe(4);
    expect([...(seen[0].pooled?.data ?? [])]).toEqual([2, -2, 2, -2, 1, -1, 1, -1]);
    expect(seen[0].sizes?.map((s) => s.aestheticScore)).toEqual([2.5, 2.5, 6, 6]);
  });

  it('keeps an aesthetic score that was set, and slices rows for a fixed-batch model', async () => {
    const { denoiser, seen } = recordingDenoiser(1);
    const positive = sdxlCond(1, { aestheticScore: 8 });
    const guided = new GuidedModel({
      denoiser,
      shape: [2, 1, 2, 2],
      cfg: 5,
      positive,
      negative: sdxlCond(2),
    });
    await guided.predict(new Float32Array(8), 500);
    expect(seen.map((c) => c.pooled?.data[0])).toEqual([2, 2, 1, 1]);
    expect(seen.map((c) => c.sizes?.[0].aestheticScore)).toEqual([2.5, 2.5, 8, 8]);
  });
});
