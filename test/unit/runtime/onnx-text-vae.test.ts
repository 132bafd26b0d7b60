import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder, saveModel } from '../../../main/onnx/index.ts';
import { type LoadContext, loadPipeline, loadVaeFiles } from '../../../main/runtime/loaders.ts';
import { sessionPool } from '../../../main/runtime/session-pool.ts';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';
import { testRuntime } from './runtime-services.ts';

let f: FixtureModels;
let ctx: LoadContext;

beforeAll(async () => {
  f = await ensureFixtureModels();
  // Some cases write models to temporary folders and name them by absolute path, as the CLI may.
  ctx = { runtime: testRuntime({ models: f.modelsDir, allowAbsolutePaths: true }), warn: () => {} };
});

describe('ONNX text encoder wrapper', () => {
  it('encodes to [batch, 77, D] and differs per prompt', async () => {
    const { clip } = await loadPipeline(ctx, 'tiny-sd', 'cpu');
    expect(clip).toMatchObject({ kind: 'clip', maxLength: 77, hiddenSize: f.hiddenSize });
    const out = await clip.encode(['a photo of a cat', 'a photo of a dog', 'a photo of a cat']);
    expect(out.shape).toEqual([3, 77, f.hiddenSize]);
    const row = 77 * f.hiddenSize;
    expect(Array.from(out.data.slice(0, row))).toEqual(Array.from(out.data.slice(2 * row)));
    expect(Array.from(out.data.slice(0, row))).not.toEqual(Array.from(out.data.slice(row, 2 * row)));
  });

  it('caches encodings per text across wrappers of the same model', async () => {
    const runtime = testRuntime({ models: f.modelsDir });
    const runs: string[] = [];
    sessionPool(runtime).timer = (slot) => runs.push(slot);
    const first = await loadPipeline({ runtime, warn: () => {} }, 'tiny-sd', 'cpu');
    const a = await first.clip.encode(['cached prompt']);
    expect(runs).toEqual(['text_encoder']);
    const second = await loadPipeline({ runtime, warn: () => {} }, 'tiny-sd', 'cpu');
    const b = await second.clip.encode(['cached prompt']);
    expect(runs).toEqual(['text_encoder']);
    expect(b.data).toEqual(a.data);
    await second.clip.encode(['another prompt']);
    expect(runs).toEqual(['text_encoder', 'text_encoder']);
  });

  it('gives the same encoding from a float16 encoder within float16 precision', async () => {
    const fp32 = (await loadPipeline(ctx, 'tiny-sd', 'cpu')).clip;
    const fp16 = (await loadPipeline(ctx, 'tiny-sd-fp16', 'cpu')).clip;
    const a = (await fp32.encode(['float16 check'])).data;
    const b = (await fp16.encode(['float16 check'])).data;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(0.05);
  });
});

describe('ONNX VAE wrapper', () => {
  it('decodes [B,4,h,w] latents to [B,8h,8w,3] images in 0..1 and encodes back to latents', async () => {
    const { vae } = await loadPipeline(ctx, 'tiny-sd', 'cpu');
    expect(vae).toMatchObject({
      kind: 'vae',
      scalingFactor: f.scalingFactor,
      latentChannels: 4,
      downscale: 8,
    });
    const latent = {
      data: Float32Array.from({ length: 2 * 4 * 4 * 6 }, (_, i) => Math.sin(i)),
      shape: [2, 4, 4, 6],
    };
    const image = await vae.decode?.(latent);
    expect(image?.shape).toEqual([2, 32, 48, 3]);
    expect(image?.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    const back = await vae.encode?.(image as NonNullable<typeof image>);
    expect(back?.shape).toEqual([2, 4, 4, 6]);
  });

  it('takes the mean (first C channels) of a latent_parameters encoder output', async () => {
    // An "encoder" that averages 8x8 pixel blocks per channel and emits [mean, 5 + mean] as 2C channels.
    const dir = mkdtempSync(join(tmpdir(), 'vae-params-'));
    const g = new GraphBuilder('params_encoder');
    const x = g.input('sample', 'float32', ['b', 3, 'H', 'W']);
    const pooled = g.node('AveragePool', [x], { kernel_shape: [8, 8], strides: [8, 8] });
    const four = g.node('Concat', [pooled, g.node('ReduceMean', [pooled], { axes: [1], keepdims: 1 })], {
      axis: 1,
    });
    const params = g.node('Concat', [four, g.node('Add', [four, g.scalar(5)])], { axis: 1 });
    g.output('latent_parameters', params, 'float32', ['b', 8, 'h', 'w']);
    await saveModel(join(dir, 'encoder.onnx'), g.build());
    const vae = await loadVaeFiles(ctx, f.files.vaeDecoder, join(dir, 'encoder.onnx'), 0.5, 'cpu');
    const image = { data: new Float32Array(16 * 16 * 3).fill(0.75), shape: [1, 16, 16, 3] };
    const latent = await vae.encode?.(image);
    expect(latent?.shape).toEqual([1, 4, 2, 2]);
    // 0.75 in 0..1 is 0.5 in the VAE's -1..1 range; the mean half holds it, not 5.5.
    expect(Array.from(latent?.data ?? [])).toEqual(new Array(16).fill(0.5));
  });
});
