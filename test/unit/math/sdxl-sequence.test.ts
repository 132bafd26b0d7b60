// SDXL conditionings of different lengths (long prompts, BREAK) keep their pooled embedding and size
// conditioning when they are cut for a fixed-length model or tiled to a common length for one CFG call.
import { describe, expect, it } from 'vitest';
import { GuidedModel } from '../../../nodes/math/guidance.ts';
import { fitContextLength } from '../../../nodes/math/sequence-tiling.ts';
import { DEFAULT_SIZE_CONDITIONING } from '../../../nodes/text-sdxl.ts';
import type { Conditioning, Denoiser, Tensor } from '../../../nodes/types.ts';

function sdxlCond(tokens: number, fill: number, pooled: number): Conditioning {
  return {
    data: new Float32Array(tokens * 2).fill(fill),
    shape: [1, tokens, 2],
    pooled: { data: Float32Array.of(pooled, pooled), shape: [1, 2] },
    sizes: [{ ...DEFAULT_SIZE_CONDITIONING, originalWidth: pooled }],
  };
}

describe('SDXL conditioning across sequence lengths', () => {
  it('a model fixed at 77 tokens gets the first chunk with the pooled embedding and sizes', () => {
    const warnings: string[] = [];
    const cond = sdxlCond(154, 1, 3);
    const fitted = fitContextLength(
      { warn: (m) => warnings.push(m) },
      { name: 'm', contextTokens: 77 },
      cond,
    );
    expect(fitted?.shape).toEqual([1, 77, 2]);
    expect(fitted?.pooled).toBe(cond.pooled);
    expect(fitted?.sizes).toEqual(cond.sizes);
    expect(warnings).toHaveLength(1);
  });

  it('a 154-token positive and a 77-token negative share one call, each item keeping its own pooled embedding', async () => {
    const seen: Conditioning[] = [];
    const denoiser = {
      name: 'probe',
      conditional: true,
      batch: 'dynamic',
      channels: 1,
      async predict(x: Tensor, _t: number, context?: Conditioning) {
        if (context) seen.push(context);
        return new Float32Array(x.data.length);
      },
    } as unknown as Denoiser;
    const guided = new GuidedModel({
      denoiser,
      shape: [1, 1, 1, 1],
      cfg: 2,
      positive: sdxlCond(154, 1, 5),
      negative: sdxlCond(77, 2, 7),
    });
    await guided.predictParts(new Float32Array(1), 1);
    expect(seen).toHaveLength(1);
    expect(seen[0].shape).toEqual([2, 154, 2]);
    // [negative; positive], as diffusers batches them.
    expect(Array.from(seen[0].pooled?.data ?? [])).toEqual([7, 7, 5, 5]);
    expect(seen[0].sizes?.map((s) => s.originalWidth)).toEqual([7, 5]);
  });
});
