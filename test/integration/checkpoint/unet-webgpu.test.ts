// The built U-Net runs on the WebGPU execution provider (Mesa lavapipe here: software Vulkan, slow, so
// this is an integration test) and gives the reference result, as on the CPU. WebGPU builds use the
// unfused attention form (ORT 1.30's WebGPU MultiHeadAttention is wrong from sequence length 32).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildTinyUnet,
  referenceErrors,
  runTinyUnet,
  tinyUnetCheckpoint,
} from '../../fixtures/checkpoints/unet-reference.ts';

describe('built U-Net on WebGPU', () => {
  it('float32 (SD 1.x) and float16 (SD 2.x, float32 attention) builds give the reference result', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'unet-webgpu-'));
    const cases = [
      { file: 'unet-sd1-F32.safetensors', dtype: 'float32', tolerance: 1e-4 },
      { file: 'unet-sd2-F16.safetensors', dtype: 'float16', tolerance: 2e-2 },
    ] as const;
    for (const { file, dtype, tolerance } of cases) {
      const c = tinyUnetCheckpoint(file);
      const model = await buildTinyUnet(c, dir, { dtype, attention: 'unfused' });
      const errors = await referenceErrors(c, await runTinyUnet(model, c, 'webgpu'));
      for (const [run, error] of Object.entries(errors))
        expect(error, `${file} ${run}`).toBeLessThan(tolerance);
    }
  }, 120_000);
});
