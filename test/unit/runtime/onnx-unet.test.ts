import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder, saveModel } from '../../../main/onnx/index.ts';
import { type LoadContext, loadPipeline, loadUnetFile } from '../../../main/runtime/loaders.ts';
import { guidanceEmbedding } from '../../../main/runtime/onnx-unet.ts';
import { SD_DENOISER_CONFIG } from '../../../nodes/sd-constants.ts';
import type { Denoiser, Tensor } from '../../../nodes/types.ts';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';
import { testRuntime } from './runtime-services.ts';

let f: FixtureModels;
let ctx: LoadContext;
const warnings: string[] = [];

beforeAll(async () => {
  f = await ensureFixtureModels();
  // Some cases write models to temporary folders and name them by absolute path, as the CLI may.
  ctx = {
    runtime: testRuntime({ models: f.modelsDir, allowAbsolutePaths: true }),
    warn: (m) => warnings.push(m),
  };
});

function latent(batch: number, seed = 1, size = 8): Tensor {
  const data = new Float32Array(batch * 4 * size * size);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    data[i] = (s / 2147483648) * 2 - 1;
  }
  return { data, shape: [batch, 4, size, size] };
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function text(batch: number, hidden: number, value: (i: number) => number): Tensor {
  return {
    data: Float32Array.from({ length: batch * 77 * hidden }, (_, i) => value(i)),
    shape: [batch, 77, hidden],
  };
}

const unet = (file: string): Promise<Denoiser> => loadUnetFile(ctx, file, 'cpu', SD_DENOISER_CONFIG);

describe('ONNX U-Net wrapper', () => {
  it('matches the closed-form Gaussian ε-predictor at integer and fractional timesteps', async () => {
    const model = await unet(f.gaussian.unet);
    // ᾱ from SD's scaled_linear betas, computed here from the definition.
    const abar: number[] = [];
    let prod = 1;
    for (let i = 0; i < 1000; i++) {
      const root = Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * i) / 999;
      prod *= 1 - root * root;
      abar.push(prod);
    }
    const x = latent(2);
    for (const t of [999, 500, 250.25, 0]) {
      const t0 = Math.floor(t);
      const a = abar[t0] + (t - t0) * ((abar[Math.min(t0 + 1, 999)] ?? 0) - abar[t0]);
      const expected = x.data.map(
        (v) => ((v - Math.sqrt(a) * f.gaussian.mu) * Math.sqrt(1 - a)) / (a * f.gaussian.s ** 2 + 1 - a),
      );
      expect(maxDiff(await model.predict(x, t), expected)).toBeLessThan(2e-5);
    }
  });

  it('reports batch, channels and whether the model takes text', async () => {
    const conditional = await unet(f.files.unet);
    expect(conditional).toMatchObject({ kind: 'denoiser', batch: 'dynamic', channels: 4, conditional: true });
    expect((await unet(f.files.unetBatch1)).batch).toBe(1);
    expect((await unet(f.gaussian.unetNoText)).conditional).toBe(false);
  });

  it('runs a fixed-batch model in chunks, giving what a dynamic-batch model gives', async () => {
    const dynamic = await unet(f.files.unet); // timestep float32 [batch]
    const batch1 = await unet(f.files.unetBatch1); // timestep int64 [1], batch fixed at 1
    const x = latent(3);
    const context = text(3, f.hiddenSize, (i) => Math.sin(i * 0.37));
    const a = await dynamic.predict(x, 401, context);
    const b = await batch1.predict(x, 401, context);
    expect(maxDiff(a, b)).toBeLessThan(1e-5);
  });

  it('predicts each batch item independently of the others', async () => {
    const model = await unet(f.files.unet);
    const x = latent(2);
    const context = text(2, f.hiddenSize, (i) => Math.cos(i * 0.11));
    const both = await model.predict(x, 700, context);
    const half = x.data.length / 2;
    const second = await model.predict({ data: x.data.slice(half), shape: [1, 4, 8, 8] }, 700, {
      data: context.data.slice(context.data.length / 2),
      shape: [1, 77, f.hiddenSize],
    });
    expect(maxDiff(both.slice(half), second)).toBeLessThan(1e-5);
  });

  it('fills encoder_hidden_states with zeros when no conditioning is given', async () => {
    const model = await unet(f.files.unet);
    const x = latent(2, 7);
    const zeros = await model.predict(
      x,
      300,
      text(2, f.hiddenSize, () => 0),
    );
    expect(maxDiff(await model.predict(x, 300), zeros)).toBe(0);
    // ...and the conditioning and the timestep really change the prediction.
    const other = await model.predict(
      x,
      300,
      text(2, f.hiddenSize, (i) => Math.sin(i)),
    );
    expect(maxDiff(other, zeros)).toBeGreaterThan(1e-3);
    expect(maxDiff(await model.predict(x, 900), zeros)).toBeGreaterThan(1e-3);
  });

  it('broadcasts a single conditioning row over the batch', async () => {
    const model = await unet(f.files.unet);
    const x = latent(2, 3);
    const one = text(1, f.hiddenSize, (i) => Math.sin(i * 0.5));
    const two = { data: new Float32Array([...one.data, ...one.data]), shape: [2, 77, f.hiddenSize] };
    expect(maxDiff(await model.predict(x, 500, one), await model.predict(x, 500, two))).toBe(0);
  });

  it('gives float16 pipelines float32 results close to the float32 pipeline', async () => {
    const fp32 = (await loadPipeline(ctx, 'tiny-sd', 'cpu')).model;
    const fp16 = (await loadPipeline(ctx, 'tiny-sd-fp16', 'cpu')).model;
    const x = latent(2, 5);
    const context = text(2, f.hiddenSize, (i) => Math.sin(i * 0.21));
    const a = await fp32.predict(x, 600, context);
    const b = await fp16.predict(x, 600, context);
    expect(b).toBeInstanceOf(Float32Array);
    expect(maxDiff(a, b)).toBeLessThan(0.05);
    expect(maxDiff(a, b)).toBeGreaterThan(0); // really went through float16
  });

  it('rejects conditioning from a text encoder of another width', async () => {
    const model = await unet(f.files.unet);
    await expect(
      model.predict(
        latent(1),
        10,
        text(1, f.hiddenSize * 2, () => 0),
      ),
    ).rejects.toThrow(
      `conditioning has hidden size ${f.hiddenSize * 2} but the U-Net expects ${f.hiddenSize}`,
    );
  });

  it('names the fixed latent size of a model exported for one size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fixed-unet-'));
    const g = new GraphBuilder('fixed_size_unet');
    const sample = g.input('sample', 'float32', ['batch', 4, 8, 8]);
    const t = g.input('timestep', 'float32', ['batch']);
    const scaled = g.node('Mul', [sample, g.node('Reshape', [t, g.i64([-1, 1, 1, 1])])]);
    g.output('out_sample', scaled, 'float32', ['batch', 4, 8, 8]);
    await saveModel(join(dir, 'unet.onnx'), g.build());
    const model = await unet(join(dir, 'unet.onnx'));
    expect(
      Array.from(await model.predict({ data: new Float32Array(256).fill(1), shape: [1, 4, 8, 8] }, 3)),
    ).toEqual(new Array(256).fill(3));
    await expect(model.predict(latent(1, 1, 16), 3)).rejects.toThrow(
      'the model takes latents of 8x8 (width x height), got 16x16 (pixels are 8x the latent size)',
    );
  });

  it("computes LCM's guidance embedding as diffusers' get_guidance_scale_embedding", () => {
    // dim 4: half 2, frequencies exp(-ln(10⁴)·i/(half-1)) = [1, 1e-4]; arguments w·1000·freq.
    const w = 7.5;
    const emb = guidanceEmbedding(w, 4);
    const args = [w * 1000, w * 1000 * 1e-4];
    expect(Array.from(emb)).toEqual(
      Array.from(
        new Float32Array([Math.sin(args[0]), Math.sin(args[1]), Math.cos(args[0]), Math.cos(args[1])]),
      ),
    );
  });
});
