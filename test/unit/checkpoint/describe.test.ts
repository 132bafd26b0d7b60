// describeCheckpoint over whole tiny checkpoints (ckpt-text's generator: real key layout, few
// channels). Only keys and shapes matter here, so the tensors stay in memory, values never made.
import { describe, expect, it } from 'vitest';
import { describeCheckpoint } from '../../../main/checkpoint/describe.ts';
import { MemoryTensorSource } from '../../../main/checkpoint/memory-source.ts';
import type { TensorToWrite } from '../../../main/checkpoint/safetensors-write.ts';
import { tinyCheckpoint } from '../../fixtures/checkpoints/tiny-checkpoint.ts';

const source = (name: string, tensors: TensorToWrite[]) => new MemoryTensorSource(name, tensors);
const isUnet = (t: TensorToWrite) => t.name.startsWith('model.diffusion_model.');
// Generated once: the generator makes every value, which is the slow part.
const sd1 = tinyCheckpoint('sd1');

describe('describeCheckpoint', () => {
  it('SD 1.x: HF CLIP-L text model, 1×1-conv projections, VAE present', () => {
    const d = describeCheckpoint(source('sd1.safetensors', sd1));
    expect(d.detection).toMatchObject({ family: 'sd1', inChannels: 4 });
    expect(d.unet.linearProjection).toBe(false);
    expect(d.text?.layout).toBe('hf');
    expect(d.vae).not.toBeNull();
    expect(d.unet.contextDim).toBe(d.text?.width);
  });
  it('a U-Net alone is described when its context width names the family, refused otherwise', () => {
    const tiny = sd1.filter(isUnet); // context 64: no known family
    expect(() => describeCheckpoint(source('unet-only.safetensors', tiny))).toThrow(
      /unet-only\.safetensors: an unrecognised LDM U-Net — the U-Net's text context width 64 matches no known family/,
    );
  });
  it('a text encoder that does not fit the U-Net is an error naming the file and both widths', () => {
    const unet = sd1.filter(isUnet);
    const text = sd1.filter((t) => t.name.startsWith('cond_stage_model.'));
    // Re-declare the U-Net's cross-attention keys 32 wide: the text encoder (64) no longer fits.
    const narrowed = unet.map((t) =>
      /attn2\.to_[kv]\.weight$/.test(t.name)
        ? { ...t, shape: [t.shape[0], 32], values: new Float32Array(t.shape[0] * 32) }
        : t,
    );
    expect(() => describeCheckpoint(source('mixed.safetensors', [...narrowed, ...text]))).toThrow(
      /mixed\.safetensors: the text encoder is 64 wide but the U-Net's cross-attention expects 32/,
    );
  });
});
