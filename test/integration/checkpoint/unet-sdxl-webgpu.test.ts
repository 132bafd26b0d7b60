// The SDXL U-Net built from the tiny SDXL checkpoint (label_emb vector conditioning: text_embeds and
// time_ids) runs on the WebGPU execution provider (Mesa lavapipe here) and gives sgm's reference
// result, as on the CPU. WebGPU builds use the unfused attention form (see unet-webgpu.test.ts).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryTensorSource } from '../../../main/checkpoint/memory-source.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';
import { buildSdxlUnet, sdxlReferenceErrors } from '../../fixtures/checkpoints/unet-sdxl-reference.ts';

describe('built SDXL U-Net on WebGPU', () => {
  it('float32 and float16 builds of the tiny SDXL base give the reference result', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'unet-sdxl-webgpu-'));
    const src = new MemoryTensorSource('tiny-sdxl', TINY_CHECKPOINT_PARTS['tiny-sdxl']());
    for (const [dtype, tolerance] of [
      ['float32', 1e-4],
      ['float16', 2e-2],
    ] as const) {
      const model = await buildSdxlUnet(src, dir, `sdxl-${dtype}`, { dtype, attention: 'unfused' });
      const { errors, shapes } = await sdxlReferenceErrors(model, 'sdxl', 'tiny-sdxl', 'webgpu');
      for (const [actual, expected] of Object.values(shapes)) expect(actual).toEqual(expected);
      for (const [run, error] of Object.entries(errors))
        expect(error, `${dtype} ${run}`).toBeLessThan(tolerance);
    }
  }, 180_000);
});
