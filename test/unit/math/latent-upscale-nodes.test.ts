// UpscaleLatent / UpscaleLatentBy size rules (ComfyUI's LatentUpscale and LatentUpscaleBy in nodes.py),
// ZeroConditioning and SetClipSkip.
import { describe, expect, it } from 'vitest';
import { conditioningToolNodes } from '../../../nodes/conditioning-tools.ts';
import { latentUpscaleNodes, scaledTarget, upscaleTarget } from '../../../nodes/latent-upscale.ts';
import { textNodes } from '../../../nodes/text.ts';
import type { Conditioning, Latent, TextEncoderModel } from '../../../nodes/types.ts';
import { fakeContext } from '../fake-services.ts';
import { rampLatent } from './helpers.ts';

const node = (type: string) => {
  const found = [...latentUpscaleNodes, ...conditioningToolNodes, ...textNodes].find((n) => n.type === type);
  if (!found) throw new Error(type);
  return found;
};

describe('upscale target sizes', () => {
  it('follows LatentUpscale: pixels ÷ 8, at least 64 px, 0 keeps the aspect ratio, 0 × 0 keeps the latent', () => {
    const shape = [1, 4, 48, 64]; // 512 × 384 pixels
    expect(upscaleTarget(shape, 1024, 768)).toEqual([128, 96]);
    expect(upscaleTarget(shape, 0, 600)).toEqual([100, 75]); // 64·600/48 = 800 px
    expect(upscaleTarget(shape, 1000, 0)).toEqual([125, 93]); // 48·1000/64 = 750 px → 93 cells
    expect(upscaleTarget(shape, 8, 1000)).toEqual([8, 125]); // 64 px at least
    expect(upscaleTarget(shape, 0, 0)).toBeNull();
  });

  it('follows LatentUpscaleBy: each side × scale, rounded half to even as Python does', () => {
    expect(scaledTarget([1, 4, 5, 7], 1.5)).toEqual([10, 8]); // 10.5 → 10, 7.5 → 8
    expect(scaledTarget([1, 4, 64, 64], 0.5)).toEqual([32, 32]);
    expect(() => scaledTarget([1, 4, 5, 7], 0.05)).toThrow(/smaller than one cell/);
    expect(() => scaledTarget([1, 4, 200, 100], 8)).toThrow(/100×200 latent 800×1600 cells; at most 1024/);
  });
});

describe('the latent upscale nodes', () => {
  it('resize to the target and keep batch and channels', async () => {
    const { ctx } = fakeContext();
    const latent = rampLatent([2, 4, 8, 8]);
    const by = await node('UpscaleLatentBy').run(ctx, { latent, upscale_method: 'bilinear', scale_by: 2 });
    expect((by.latent as Latent).shape).toEqual([2, 4, 16, 16]);
    const to = await node('UpscaleLatent').run(ctx, {
      latent,
      upscale_method: 'bislerp',
      width: 128,
      height: 64,
      crop: 'center',
    });
    expect((to.latent as Latent).shape).toEqual([2, 4, 8, 16]);
    const same = await node('UpscaleLatent').run(ctx, {
      latent,
      upscale_method: 'area',
      width: 0,
      height: 0,
      crop: 'disabled',
    });
    expect(same.latent).toBe(latent);
  });

  it('names the widget on a bad method', async () => {
    const { ctx } = fakeContext();
    await expect(
      node('UpscaleLatentBy').run(ctx, {
        latent: rampLatent([1, 4, 8, 8]),
        upscale_method: 'lanczos',
        scale_by: 2,
      }),
    ).rejects.toMatchObject({ input: 'upscale_method' });
  });
});

describe('ZeroConditioning', () => {
  it('zeroes the hidden states and a pooled output beside them, leaving the input untouched', async () => {
    const cond = {
      data: Float32Array.from([1, -2, 3, 4]),
      shape: [1, 2, 2],
      pooled: { data: Float32Array.from([5, 6]), shape: [1, 2] },
    } as Conditioning;
    const out = (await node('ZeroConditioning').run(fakeContext().ctx, { conditioning: cond }))
      .conditioning as Conditioning & { pooled: { data: Float32Array; shape: number[] } };
    expect(Array.from(out.data)).toEqual([0, 0, 0, 0]);
    expect(out.shape).toEqual([1, 2, 2]);
    expect(Array.from(out.pooled.data)).toEqual([0, 0]);
    expect(out.pooled.shape).toEqual([1, 2]);
    expect(Array.from(cond.data)).toEqual([1, -2, 3, 4]);
  });
});

describe('SetClipSkip', () => {
  // A CLIP whose id-level encoding writes the clip skip it was asked for into every value.
  const calls: number[] = [];
  const clip: TextEncoderModel = {
    kind: 'clip',
    name: 'probe',
    maxLength: 4,
    hiddenSize: 2,
    tokenize: (text) => ({
      ids: Int32Array.from(text ? [49406, text.length, 49407, 49407] : [49406, 49407, 49407, 49407]),
      truncated: false,
    }),
    tokenIds: (text) => [text.length],
    encode: async () => ({ data: new Float32Array(8).fill(-1), shape: [1, 4, 2] }),
    encodeIds: async (rows, clipSkip) => {
      calls.push(clipSkip);
      const data = new Float32Array(rows.length * 8);
      for (const [r, row] of rows.entries())
        for (const [t, id] of row.entries()) data.fill(id * 10 + clipSkip, r * 8 + t * 2, r * 8 + t * 2 + 2);
      return { data, shape: [rows.length, 4, 2] };
    },
  };
  const encode = async (c: TextEncoderModel, clipSkip: number) =>
    (await node('TextEncode').run(fakeContext().ctx, { clip: c, text: 'a cat', clip_skip: clipSkip }))
      .conditioning as Conditioning;

  it('SetClipSkip 2 then TextEncode equals TextEncode at clip skip 2; the encoder’s own clip_skip wins', async () => {
    const skipped = (await node('SetClipSkip').run(fakeContext().ctx, { clip, clip_skip: 2 }))
      .clip as TextEncoderModel;
    expect(Array.from((await encode(skipped, 1)).data)).toEqual(Array.from((await encode(clip, 2)).data));
    expect(calls.slice(-2)).toEqual([2, 2]);
    await encode(skipped, 3);
    expect(calls.at(-1)).toBe(3);
    // a second SetClipSkip replaces the first (CLIPSetLastLayer sets the layer, it does not add)
    const again = (await node('SetClipSkip').run(fakeContext().ctx, { clip: skipped, clip_skip: 1 }))
      .clip as TextEncoderModel;
    expect(again).toBe(clip);
  });

  it('on an SDXL CLIP sets the layer both encoders stop at; a deeper clip_skip of the encoder wins', async () => {
    const asked: number[] = [];
    const tensor = { data: new Float32Array(8), shape: [1, 4, 2] };
    const sdxl: TextEncoderModel = {
      ...clip,
      sdxl: {
        g: { maxLength: 4, empty: Int32Array.of(49406, 49407, 0, 0), tokenIds: (text) => [text.length] },
        encodeRows: async (_rows, clipSkip) => {
          asked.push(clipSkip);
          return { g: tensor, pooled: { data: new Float32Array(2), shape: [1, 2] } };
        },
      },
    };
    const skipped = (await node('SetClipSkip').run(fakeContext().ctx, { clip: sdxl, clip_skip: 3 }))
      .clip as TextEncoderModel;
    await skipped.sdxl?.encodeRows({ g: Int32Array.of(1) }, 1);
    await skipped.sdxl?.encodeRows({ g: Int32Array.of(1) }, 2);
    await skipped.sdxl?.encodeRows({ g: Int32Array.of(1) }, 4);
    expect(asked).toEqual([3, 3, 4]);
  });

  it('refuses an encoder without the id-level API, naming the input', async () => {
    const bare = { ...clip, encodeIds: undefined, tokenIds: undefined };
    await expect(
      node('SetClipSkip').run(fakeContext().ctx, { clip: bare, clip_skip: 2 }),
    ).rejects.toMatchObject({
      input: 'clip',
    });
  });
});
