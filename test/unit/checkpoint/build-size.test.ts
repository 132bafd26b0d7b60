// LoadCheckpoint's check before building: the U-Net's weight bytes in the build dtype, from the header
// only, against the memory limits; a checkpoint that cannot fit is refused naming the sizes.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCheckpointFits, unetBuildBytes } from '../../../main/checkpoint/build-size.ts';
import { MemoryTensorSource } from '../../../main/checkpoint/memory-source.ts';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { ModelInputError } from '../../../nodes/widget-errors.ts';
import { tinySdxlUnetTensors } from '../../fixtures/checkpoints/tiny-sdxl.ts';
import { tinyVae } from '../../fixtures/checkpoints/tiny-vae.ts';

describe('checkpoint build size', () => {
  it('counts the U-Net elements × 4 (float32) or × 2 (float16), whatever the stored dtype', async () => {
    const unet = tinySdxlUnetTensors('sdxl', 'F16');
    const elements = unet.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
    const src = new MemoryTensorSource('x', [...unet, ...tinyVae({ prefix: 'first_stage_model.' })]);
    expect(unetBuildBytes(src, 'float32')).toBe(4 * elements);
    expect(unetBuildBytes(src, 'float16')).toBe(2 * elements);
  });

  it('refuses a checkpoint whose float32 U-Net exceeds the budget, before building; float16 may fit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'build-size-'));
    const path = join(dir, 'xl.safetensors');
    await writeSafetensors(path, tinySdxlUnetTensors('sdxl', 'F16'));
    const f32 = unetBuildBytes(new MemoryTensorSource('x', tinySdxlUnetTensors('sdxl', 'F16')), 'float32');
    const limits = { budget: f32 - 1, available: () => 2 ** 40 };
    const refusal = await checkCheckpointFits(path, 'xl.safetensors', 'float32', limits).catch((e) => e);
    expect(refusal).toBeInstanceOf(ModelInputError);
    expect(refusal.field).toBe('checkpoint');
    expect(refusal.message).toMatch(
      /^checkpoint "xl\.safetensors" \(U-Net, float32\) needs about .* MiB for its weights, but the memory budget is/,
    );
    await expect(checkCheckpointFits(path, 'xl.safetensors', 'float16', limits)).resolves.toBeUndefined();
  });
});
