// The SDXL U-Net's extra inputs from CONDITIONING: text_embeds = the pooled rows, time_ids from the
// size conditioning resolved against the latent (8 px per cell), and clear errors for conditioning
// that cannot feed them.
import { describe, expect, it } from 'vitest';
import { sdxlFeeds } from '../../../main/runtime/sdxl-unet-feeds.ts';
import type { Conditioning } from '../../../nodes/types.ts';

const BASE = { pooledType: 'float32', pooled: 2, idsType: 'float32', ids: 6 } as const;
const size = {
  originalWidth: 0,
  originalHeight: 0,
  cropTop: 4,
  cropLeft: 0,
  targetWidth: 0,
  targetHeight: 0,
};

function sdxlConditioning(): Conditioning {
  return {
    data: new Float32Array(2 * 3),
    shape: [2, 1, 3],
    pooled: { data: Float32Array.of(1, 2, 3, 4), shape: [2, 2] },
    sizes: [size, { ...size, originalWidth: 1024 }],
  };
}

describe('sdxlFeeds', () => {
  it('feeds the pooled rows and per-row time_ids for a 16×8 latent', () => {
    const feeds = sdxlFeeds('xl', BASE, [2, 4, 16, 8], sdxlConditioning());
    expect(feeds.text_embeds.dims).toEqual([2, 2]);
    expect([...(feeds.text_embeds.data as Float32Array)]).toEqual([1, 2, 3, 4]);
    expect(feeds.time_ids.dims).toEqual([2, 6]);
    expect([...(feeds.time_ids.data as Float32Array)]).toEqual([
      128, 64, 4, 0, 128, 64, 128, 1024, 4, 0, 128, 64,
    ]);
  });

  it('feeds float16 where the U-Net declares it', () => {
    const feeds = sdxlFeeds(
      'xl',
      { ...BASE, pooledType: 'float16', idsType: 'float16' },
      [2, 4, 8, 8],
      sdxlConditioning(),
    );
    expect(feeds.text_embeds.type).toBe('float16');
    expect(feeds.time_ids.type).toBe('float16');
  });

  it('gives zeros and the latent size without conditioning (an unconditional call)', () => {
    const feeds = sdxlFeeds('xl', BASE, [1, 4, 8, 8], undefined);
    expect([...(feeds.text_embeds.data as Float32Array)]).toEqual([0, 0]);
    expect([...(feeds.time_ids.data as Float32Array)]).toEqual([64, 64, 0, 0, 64, 64]);
  });

  it('refuses SD 1.x-style conditioning and a pooled width from another model, naming the U-Net', () => {
    const plain: Conditioning = { data: new Float32Array(3), shape: [1, 1, 3] };
    expect(() => sdxlFeeds('xl.onnx', BASE, [1, 4, 8, 8], plain)).toThrow(
      /xl\.onnx: this SDXL U-Net needs SDXL conditioning .*CLIP of an SDXL checkpoint or pipeline/,
    );
    expect(() => sdxlFeeds('xl.onnx', { ...BASE, pooled: 1280 }, [2, 4, 8, 8], sdxlConditioning())).toThrow(
      /xl\.onnx: the pooled text embedding has 2 values but the U-Net's text_embeds takes 1280/,
    );
  });
});
