// The exported pipeline computes exactly the TypeScript network: loaded through the runtime's
// pipeline loader, the text encoder maps class words to the class the U-Net was trained with, the
// U-Net's ε equals TinyUNet.forward (with its noise skip) and the x₀ clip of sample-clipping.ts, and the
// pixel VAE upscales 8× by repetition.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ddpmAlphasCumprod } from '../../../main/train/ddpm.ts';
import { exportPipeline } from '../../../main/train/export/pipeline.ts';
import { clipEpsilon } from '../../../main/train/sample-clipping.ts';
import { TinyUNet } from '../../../main/train/unet.ts';
import { loadExported } from '../../../scripts/train/sample-pipeline.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function trainedLooking(): TinyUNet {
  const model = new TinyUNet(
    { channels: [8, 16], embWidth: 32, groups: 4, classes: 3, imageChannels: 3, noiseSkip: true },
    5,
  );
  // Move every parameter off its initial value (norm scales of 1, zero biases) so each one matters.
  for (const p of model.params())
    for (let i = 0; i < p.data.length; i++) p.data[i] += 0.05 * Math.sin(1.7 * i + p.data.length);
  return model;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('ONNX export of the trained U-Net', () => {
  it('LoadPipeline runs it and its ε equals the TypeScript forward for class prompts and no class', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'diffgraph-export-'));
    dirs.push(dir);
    const model = trainedLooking();
    const classNames = ['circle', 'ring', 'square'];
    await exportPipeline(dir, {
      model,
      size: 32,
      classNames,
      tokenizerSource: 'models/diffgraph-shapes/tokenizer',
    });
    const pipeline = await loadExported(dir);
    const x = Float32Array.from({ length: 3 * 3 * 32 * 32 }, (_, i) => Math.sin(0.37 * i));
    const context = await pipeline.clip.encode(['a square', 'ring', 'a picture']);
    const onnx = await pipeline.model.predict({ data: x, shape: [3, 3, 32, 32] }, 417, context);
    const raw = model.forward(
      { data: Float32Array.from(x), shape: [3, 3, 32, 32] },
      [417, 417, 417],
      [2, 1, 3],
    );
    const ts = clipEpsilon(Float32Array.from(raw.data), x, 417, ddpmAlphasCumprod());
    expect(maxDifference(onnx, ts)).toBeLessThan(2e-5);
    // A different class gives a different prediction (the class really reaches the network).
    const other = model.forward(
      { data: Float32Array.from(x), shape: [3, 3, 32, 32] },
      [417, 417, 417],
      [0, 0, 0],
    );
    expect(
      maxDifference(onnx, clipEpsilon(Float32Array.from(other.data), x, 417, ddpmAlphasCumprod())),
    ).toBeGreaterThan(1e-3);
    // The x₀ clip is active for some pixels here (else this test would not check it).
    expect(maxDifference(ts, raw.data)).toBeGreaterThan(1e-3);
    expect(pipeline.model.config.betaSchedule).toBe('linear');
    expect(pipeline.model.config.betaEnd).toBe(0.02);
  });

  it('the pixel VAE decoder shows each sample pixel as an 8×8 block', async () => {
    const dir = dirs[0];
    const pipeline = await loadExported(dir);
    const latent = Float32Array.from({ length: 3 * 32 * 32 }, (_, i) => Math.cos(i) * 0.9);
    if (!pipeline.vae.decode) throw new Error('no decoder');
    const image = await pipeline.vae.decode({ data: latent, shape: [1, 3, 32, 32] });
    expect(image.shape).toEqual([1, 256, 256, 3]);
    // IMAGE is [B, H, W, 3] in 0..1; pixel (y, x) comes from sample (y/8, x/8) as v/2 + 0.5.
    for (const [y, x, c] of [
      [0, 0, 0],
      [77, 201, 2],
      [255, 9, 1],
    ]) {
      const v = latent[c * 1024 + Math.floor(y / 8) * 32 + Math.floor(x / 8)];
      expect(image.data[(y * 256 + x) * 3 + c]).toBeCloseTo(v / 2 + 0.5, 5);
    }
  });
});

describe('ONNX export of an unconditional model', () => {
  it('loads through LoadPipeline (zero text states the U-Net ignores) and gives the TypeScript ε', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'diffgraph-export-uncond-'));
    dirs.push(dir);
    const model = new TinyUNet(
      { channels: [8, 16], embWidth: 32, groups: 4, classes: 0, imageChannels: 3 },
      9,
    );
    await exportPipeline(dir, {
      model,
      size: 32,
      classNames: [],
      tokenizerSource: 'models/diffgraph-shapes/tokenizer',
    });
    const pipeline = await loadExported(dir);
    const context = await pipeline.clip.encode(['anything at all']);
    expect(context.shape).toEqual([1, 77, 1]);
    expect(context.data.every((v) => v === 0)).toBe(true);
    const x = Float32Array.from({ length: 3 * 32 * 32 }, (_, i) => Math.cos(0.11 * i));
    const onnx = await pipeline.model.predict({ data: x, shape: [1, 3, 32, 32] }, 250, context);
    const raw = model.forward({ data: Float32Array.from(x), shape: [1, 3, 32, 32] }, [250]);
    const ts = clipEpsilon(Float32Array.from(raw.data), x, 250, ddpmAlphasCumprod());
    expect(maxDifference(onnx, ts)).toBeLessThan(2e-5);
  });
});
