// The U-Net structure is read back from key names and shapes laid out as sgm's UNetModel registers them
// (the tiny generator's layout is checked against the original module by the reference script's strict load).
import { describe, expect, it } from 'vitest';
import { MemoryTensorSource } from '../../../main/checkpoint/memory-source.ts';
import { attentionHeads, readUnetStructure } from '../../../main/checkpoint/unet-structure.ts';
import { TINY_UNETS, tinyUnetTensors, unetTensors } from '../../fixtures/checkpoints/tiny-unet.ts';

const source = (tensors: ReturnType<typeof tinyUnetTensors>) =>
  new MemoryTensorSource('tiny.safetensors', tensors);

describe('readUnetStructure', () => {
  it('reads an SD 1.x U-Net: conv projections, 8 heads by default, attention at level 0 only', () => {
    const s = readUnetStructure(source(tinyUnetTensors('sd1')));
    expect(s).toMatchObject({
      inChannels: 4,
      outChannels: 4,
      modelChannels: 32,
      timeEmbedDim: 128,
      levels: [
        { channels: 32, numResBlocks: 1, transformerDepth: 1 },
        { channels: 64, numResBlocks: 1, transformerDepth: 0 },
      ],
      middleTransformerDepth: 1,
      contextDim: 32,
      linearProjection: false,
      heads: { numHeads: 8 },
      convResample: true,
    });
    expect(s.admInChannels).toBeUndefined();
  });

  it('reads SD 2.x (Linear projections, 64-wide heads by default) and inpainting (9 input channels)', () => {
    // The family default for Linear projections is 64-wide heads, too wide for the tiny model's 32 channels.
    expect(() => readUnetStructure(source(tinyUnetTensors('sd2')))).toThrow('{"headChannels":64}');
    const sd2 = readUnetStructure(source(tinyUnetTensors('sd2')), { heads: { headChannels: 16 } });
    expect(sd2.linearProjection).toBe(true);
    expect(sd2.heads).toEqual({ headChannels: 16 });
    expect(readUnetStructure(source(tinyUnetTensors('inpainting'))).inChannels).toBe(9);
  });

  it('reads per-level transformer depths, levels without attention and label_emb (SDXL-shaped)', () => {
    const cfg = {
      ...TINY_UNETS.sd2,
      channelMult: [1, 2, 2],
      numResBlocks: 2,
      depths: [0, 2, 3],
      middleDepth: 3,
      admInChannels: 16 + 2 * 256,
      heads: { headChannels: 16 },
    };
    const s = readUnetStructure(source(unetTensors(cfg, 'F16', 7)), { heads: cfg.heads, timeIds: 2 });
    expect(s.levels.map((l) => [l.channels, l.numResBlocks, l.transformerDepth])).toEqual([
      [32, 2, 0],
      [64, 2, 2],
      [64, 2, 3],
    ]);
    expect(s.middleTransformerDepth).toBe(3);
    expect(s.admInChannels).toBe(528);
    expect(s.vector).toEqual({ admInChannels: 528, pooledDim: 16, timeIds: 2 });
  });

  it('splits heads as UNetModel does', () => {
    expect(attentionHeads({ numHeads: 8 }, 320)).toEqual({ count: 8, width: 40 });
    expect(attentionHeads({ headChannels: 64 }, 1280)).toEqual({ count: 20, width: 64 });
  });

  it('names the missing key or the key with an unexpected shape', () => {
    const missing = tinyUnetTensors('sd1').filter((t) => t.name !== 'model.diffusion_model.out.2.weight');
    expect(() => readUnetStructure(source(missing))).toThrow(
      'tiny.safetensors: U-Net key "model.diffusion_model.out.2.weight" is missing',
    );
    const bent = tinyUnetTensors('sd1').map((t) =>
      t.name === 'model.diffusion_model.input_blocks.0.0.weight' ? { ...t, shape: [32, 4 * 9] } : t,
    );
    expect(() => readUnetStructure(source(bent))).toThrow(
      '"model.diffusion_model.input_blocks.0.0.weight" has shape [32,36], expected rank 4',
    );
    expect(() => readUnetStructure(source(tinyUnetTensors('sd1')), { heads: { numHeads: 5 } })).toThrow(
      '32 attention channels do not split into {"numHeads":5}',
    );
  });
});
