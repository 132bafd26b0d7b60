// The checkpoint builders' graphs on the WebGPU execution provider (Mesa lavapipe in CI: slow, so this
// is an integration test) give what the CPU provider gives, within float tolerance.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildTextEncoder } from '../../../main/checkpoint/build/text-encoder.ts';
import { buildVaeDecoder } from '../../../main/checkpoint/build/vae.ts';
import { readClipStructure } from '../../../main/checkpoint/clip-structure.ts';
import { convertCheckpoint } from '../../../main/checkpoint/convert.ts';
import { MemoryTensorSource } from '../../../main/checkpoint/memory-source.ts';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { readVaeStructure } from '../../../main/checkpoint/vae-structure.ts';
import { decodeImageFile } from '../../../main/runtime/image-io.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';
import { TINY_CLIP, tinyPromptIds } from '../../fixtures/checkpoints/tiny-clip.ts';
import { maxAbs, maxAbsDiff, reference, runModel } from '../../unit/checkpoint/reference.ts';
import { runGraph, tempFolders, testEngine, txt2imgGraph } from '../runtime/graphs.ts';

function source(part: string) {
  return new MemoryTensorSource(`${part}.safetensors`, TINY_CHECKPOINT_PARTS[part]());
}

describe('checkpoint graphs on WebGPU', () => {
  it('decodes a latent as the CPU does', async () => {
    const src = source('tiny-vae');
    const model = await buildVaeDecoder(src, readVaeStructure(src));
    const latent = reference('vae', 'latent');
    const feeds = { latent_sample: new ort.Tensor('float32', latent.data, latent.shape) };
    const cpu = (await runModel(model, feeds, 'cpu')).sample.data as Float32Array;
    const gpu = (await runModel(model, feeds, 'webgpu')).sample.data as Float32Array;
    expect(maxAbsDiff(gpu, cpu)).toBeLessThanOrEqual(1e-4 * Math.max(1, maxAbs(cpu)));
  }, 120_000);

  it('encodes prompts with OpenCLIP as the CPU does', async () => {
    const src = source('tiny-openclip');
    const model = await buildTextEncoder(src, readClipStructure(src, { headWidth: TINY_CLIP.headWidth }), {
      dtype: 'float16',
    });
    const feeds = {
      input_ids: new ort.Tensor('int32', tinyPromptIds('openclip'), [2, TINY_CLIP.contextLength]),
    };
    const cpu = await runModel(model, feeds, 'cpu');
    const gpu = await runModel(model, feeds, 'webgpu');
    for (const name of ['last_hidden_state', 'pooler_output', 'clip_skip.2', 'text_embeds']) {
      const a = cpu[name].data as Float32Array;
      expect(maxAbsDiff(gpu[name].data as Float32Array, a), name).toBeLessThanOrEqual(
        1e-4 * Math.max(1, maxAbs(a)),
      );
    }
  }, 120_000);
});

describe('a converted pipeline on WebGPU', () => {
  it('renders the same image as on the CPU', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dg-convert-gpu-'));
    const checkpoint = join(root, 'tiny-sd1.safetensors');
    await writeSafetensors(checkpoint, TINY_CHECKPOINT_PARTS['tiny-sd1']());
    const models = join(root, 'models');
    // Unfused attention: ORT 1.30's WebGPU MultiHeadAttention is wrong at these sequence lengths.
    // float32, so both providers compute the same float32 math.
    await convertCheckpoint({ checkpoint, out: join(models, 'converted'), attention: 'unfused' });
    const folders = tempFolders(models);
    const images = [];
    for (const device of ['cpu', 'webgpu'] as const) {
      const graph = txt2imgGraph({ model: 'converted', device, steps: 2, size: 64, prefix: device });
      const { result } = await runGraph(testEngine(folders), graph);
      expect(result.error, device).toBeUndefined();
      images.push(await decodeImageFile(result.outputs[0].path));
    }
    const [cpu, gpu] = images;
    expect(maxAbsDiff(gpu.data, cpu.data)).toBeLessThanOrEqual(2 / 255);
  }, 300_000);
});
