import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildVaeDecoder, buildVaeEncoder, vaeScaleFactor } from '../../../main/checkpoint/build/vae.ts';
import { MemoryTensorSource } from '../../../main/checkpoint/memory-source.ts';
import { openSafetensors } from '../../../main/checkpoint/safetensors-read.ts';
import type { TensorSource } from '../../../main/checkpoint/tensor-source.ts';
import { DiffusersVaeSource, isDiffusersVae, ldmVaeKey } from '../../../main/checkpoint/vae-diffusers.ts';
import { readVaeStructure } from '../../../main/checkpoint/vae-structure.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';
import { tinyVae } from '../../fixtures/checkpoints/tiny-vae.ts';
import { expectClose, reference, referenceMeta, runModel, writeTinyCheckpoint } from './reference.ts';

const meta = referenceMeta('vae');

function feed(name: string): ort.Tensor {
  const t = reference('vae', name);
  return new ort.Tensor('float32', t.data, t.shape);
}

async function expectReference(src: TensorSource) {
  const s = readVaeStructure(src);
  const decoded = await runModel(await buildVaeDecoder(src, s), { latent_sample: feed('latent') });
  expect(decoded.sample.dims).toEqual(reference('vae', 'decoded').shape);
  expectClose(decoded.sample.data as Float32Array, reference('vae', 'decoded'), 'float32', 'decoded');
  const encoded = await runModel(await buildVaeEncoder(src, s), { sample: feed('image') });
  const { data, dims } = encoded.latent_parameters;
  const half = (data.length / 2) | 0;
  expect(dims).toEqual([1, 8, 6, 4]);
  expectClose((data as Float32Array).subarray(0, half), reference('vae', 'mean'), 'float32', 'mean');
  expectClose((data as Float32Array).subarray(half), reference('vae', 'logvar'), 'float32', 'logvar');
  expectClose(
    encoded.latent_sample.data as Float32Array,
    reference('vae', 'mean'),
    'float32',
    'latent_sample',
  );
}

describe('VAE against the original implementation', () => {
  it('regenerates both checkpoint layouts the fixtures were computed from', async () => {
    expect((await writeTinyCheckpoint('tiny-vae')).sha256).toBe(meta.sha256);
    expect((await writeTinyCheckpoint('tiny-vae-diffusers')).sha256).toBe(meta.diffusers_sha256);
  });

  it('reads the structure from keys and shapes', () => {
    const s = readVaeStructure(new MemoryTensorSource('vae', tinyVae()));
    expect(s.prefix).toBe('');
    expect(s.decoder.levels.map((l) => [l.channels, l.blocks, l.attentions])).toEqual([
      [32, 2, 0],
      [32, 2, 0],
      [64, 2, 0],
      [64, 2, 0],
    ]);
    expect(s.encoder?.levels.map((l) => l.blocks)).toEqual([1, 1, 1, 1]);
    expect(s.encoder?.midChannels).toBe(64);
    expect([s.latentChannels, s.imageChannels, vaeScaleFactor(s)]).toEqual([4, 3, 8]);
  });

  it('decodes and encodes a standalone LDM-layout VAE file as the original', async () => {
    const file = await openSafetensors((await writeTinyCheckpoint('tiny-vae')).path);
    try {
      await expectReference(file);
    } finally {
      await file.close();
    }
  });

  it('decodes and encodes the VAE inside a checkpoint (first_stage_model.)', async () => {
    const src = new MemoryTensorSource('sd.safetensors', tinyVae({ prefix: 'first_stage_model.' }));
    expect(readVaeStructure(src).prefix).toBe('first_stage_model.');
    await expectReference(src);
  });

  it('maps a diffusers-layout VAE onto the LDM keys and computes the same', async () => {
    const inner = new MemoryTensorSource('vae.safetensors', TINY_CHECKPOINT_PARTS['tiny-vae-diffusers']());
    expect(isDiffusersVae(inner)).toBe(true);
    const src = new DiffusersVaeSource(inner);
    expect(src.info('decoder.mid.attn_1.q.weight').shape).toEqual([64, 64, 1, 1]);
    expect(ldmVaeKey('encoder.mid_block.attentions.0.query.weight', 4)).toBe('encoder.mid.attn_1.q.weight');
    expect(ldmVaeKey('decoder.up_blocks.0.upsamplers.0.conv.bias', 4)).toBe(
      'decoder.up.3.upsample.conv.bias',
    );
    await expectReference(src);
  });
});

describe('VAE errors', () => {
  it('names the file when there is no VAE', () => {
    expect(() => readVaeStructure(new MemoryTensorSource('unet.safetensors', []))).toThrow(
      /unet\.safetensors: no VAE decoder found/,
    );
  });

  it('names an unknown diffusers key', () => {
    const tensors = tinyVae({ layout: 'diffusers' });
    tensors.push({
      name: 'decoder.extra_block.weight',
      shape: [1],
      dtype: 'F32',
      values: new Float32Array(1),
    });
    expect(() => new DiffusersVaeSource(new MemoryTensorSource('odd.safetensors', tensors))).toThrow(
      /odd\.safetensors: "decoder\.extra_block\.weight" is not a diffusers AutoencoderKL key/,
    );
  });

  it('names the key whose shape does not fit', async () => {
    const tensors = tinyVae();
    const bad = tensors.find((t) => t.name === 'decoder.up.1.block.0.conv2.weight');
    if (!bad) throw new Error('fixture lacks the conv');
    bad.shape = [32, 16, 3, 3];
    const src = new MemoryTensorSource('bad.safetensors', tensors);
    await expect(buildVaeDecoder(src, readVaeStructure(src))).rejects.toThrow(
      /bad\.safetensors: tensor "decoder\.up\.1\.block\.0\.conv2\.weight" has shape \[32, 16, 3, 3\], expected \[32, 32, 3, 3\]/,
    );
  });
});
