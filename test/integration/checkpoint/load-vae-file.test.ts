// LoadVAE given a VAE weights file (.safetensors, LDM or diffusers key layout): built to ONNX once
// (the build cache), its decoder reproduces the original implementation's decode, and bad files are
// a widget error naming them.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { createRuntimeServices } from '../../../main/engine/runtime-services.ts';
import { setHashCacheFile } from '../../../main/runtime/model-hash.ts';
import { createCheckpointLoaders } from '../../../main/services/checkpoints.ts';
import { loaderNodes } from '../../../nodes/loaders.ts';
import type { ImageBatch, VaeModel } from '../../../nodes/types.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';
import { maxAbsDiff, reference } from '../../unit/checkpoint/reference.ts';
import { fakeContext, fakeServices } from '../../unit/fake-services.ts';
import { SLOW_TEST_MS } from '../cli/harness.ts';

let services: ReturnType<typeof fakeServices>;

beforeAll(async () => {
  setHashCacheFile(null);
  const models = mkdtempSync(join(tmpdir(), 'dg-vae-file-'));
  mkdirSync(join(models, 'vae'));
  for (const name of ['tiny-vae', 'tiny-vae-diffusers']) {
    await writeSafetensors(join(models, 'vae', `${name}.safetensors`), TINY_CHECKPOINT_PARTS[name]());
  }
  writeFileSync(join(models, 'vae', 'broken.safetensors'), 'not a safetensors file');
  const root = mkdtempSync(join(tmpdir(), 'dg-vae-file-io-'));
  const runtime = createRuntimeServices({
    paths: { models, input: join(root, 'input'), output: join(root, 'output') },
    device: 'cpu',
  });
  const scope = { runtime, run: { graph: null, modelReferences: async () => [] }, warn() {} };
  services = fakeServices({ checkpoints: createCheckpointLoaders(scope) });
});

const node = loaderNodes.find((n) => n.type === 'LoadVAE');

async function loadVae(file: string): Promise<VaeModel> {
  const widgets = { file, encoder_file: '', scaling_factor: 0.18215, device: 'cpu' };
  const out = await node?.run(fakeContext(services).ctx, widgets);
  return (out as { vae: VaeModel }).vae;
}

/** The reference decode as an IMAGE: (x + 1)/2 clamped to 0..1, channels last. */
function expectedImage(): Float32Array {
  const { data, shape } = reference('vae', 'decoded');
  const [B, C, H, W] = shape;
  const out = new Float32Array(B * H * W * C);
  for (let b = 0; b < B; b++)
    for (let c = 0; c < C; c++)
      for (let p = 0; p < H * W; p++) {
        const value = data[(b * C + c) * H * W + p];
        out[(b * H * W + p) * C + c] = Math.min(1, Math.max(0, (value + 1) / 2));
      }
  return out;
}

describe('LoadVAE with a weights file', () => {
  it.each(['tiny-vae.safetensors', 'tiny-vae-diffusers.safetensors'])(
    '%s decodes as the original implementation does',
    async (file) => {
      const vae = await loadVae(file);
      expect(vae.encode).toBeDefined();
      const latent = reference('vae', 'latent');
      const image = (await vae.decode?.({ data: latent.data, shape: latent.shape })) as ImageBatch;
      expect(maxAbsDiff(image.data, expectedImage())).toBeLessThan(1e-4);
    },
    SLOW_TEST_MS,
  );

  it('names a file that is not a VAE on the file widget', async () => {
    await expect(loadVae('broken.safetensors')).rejects.toMatchObject({
      input: 'file',
      message: expect.stringContaining('broken.safetensors'),
    });
  });
});
