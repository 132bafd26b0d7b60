// SDXL's VAE: the same LDM AutoencoderKL under `first_stage_model.`, scaled by SDXL's own latent factor
// (0.13025 in sgm's SDXL configs, 0.18215 for SD 1.x/2.x) and always built in float32 (SDXL's VAE
// overflows in float16). The tiny SDXL checkpoint's VAE is the tiny reference VAE, so its decode must
// equal the original implementation's recorded output.
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildVaeDecoder } from '../../../main/checkpoint/build/vae.ts';
import { MemoryTensorSource } from '../../../main/checkpoint/memory-source.ts';
import { readVaeStructure } from '../../../main/checkpoint/vae-structure.ts';
import { familyScalingFactor } from '../../../nodes/sd-constants.ts';
import { tinySdxlUnetTensors } from '../../fixtures/checkpoints/tiny-sdxl.ts';
import { tinyVae } from '../../fixtures/checkpoints/tiny-vae.ts';
import { expectClose, reference, runModel } from './reference.ts';

describe('SDXL VAE', () => {
  it("carries SDXL's latent scaling factor for base and refiner, SD's for SD 1.x/2.x", () => {
    expect(familyScalingFactor('sdxl')).toBe(0.13025);
    expect(familyScalingFactor('sdxl-refiner')).toBe(0.13025);
    expect(familyScalingFactor('sd1')).toBe(0.18215);
    expect(familyScalingFactor('sd2')).toBe(0.18215);
  });

  it('builds from an SDXL checkpoint (F16 weights) in float32 and decodes as the original', async () => {
    const src = new MemoryTensorSource('tiny-sdxl.safetensors', [
      ...tinySdxlUnetTensors('sdxl', 'F16'),
      ...tinyVae({ prefix: 'first_stage_model.' }),
    ]);
    const model = await buildVaeDecoder(src, readVaeStructure(src, { prefix: 'first_stage_model.' }));
    const types = new Set((model.graph?.initializer ?? []).map((t) => t.dataType));
    expect([...types].sort()).toEqual([1, 7]); // FLOAT weights (INT64 shapes); no FLOAT16 (10)
    const latent = reference('vae', 'latent');
    const decoded = await runModel(model, {
      latent_sample: new ort.Tensor('float32', latent.data, latent.shape),
    });
    expectClose(decoded.sample.data as Float32Array, reference('vae', 'decoded'), 'float32', 'decoded');
  });
});
