// float16 pipeline, the closed-form Gaussian U-Net and the bad-input fixtures.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { float16ToFloat32, float32ToFloat16 } from '../../../main/util/float16.ts';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';
import { encodeText, f32, ids, maxAbsDiff, session, values, wave } from './fixture-helpers.ts';

let fx: FixtureModels;
beforeAll(async () => {
  fx = await ensureFixtureModels();
});

const f16 = (data: ArrayLike<number>, dims: number[]) =>
  new ort.Tensor('float16', float32ToFloat16(data), dims);
const asF32 = (t: ort.Tensor) => float16ToFloat32(t.data as Uint16Array);

describe('float16 pipeline', () => {
  it('has float16 I/O and agrees with the float32 pipeline to float16 precision', async () => {
    const rows = [ids(320, 736), ids(1929)];
    const hidden32 = values(
      (await encodeText(join(fx.pipelines.tinySd, 'text_encoder/model.onnx'), rows)).hidden,
    );
    const te16 = await encodeText(join(fx.pipelines.tinySdFp16, 'text_encoder/model.onnx'), rows);
    expect(te16.hidden.type).toBe('float16');
    expect(maxAbsDiff(asF32(te16.hidden), hidden32)).toBeLessThan(0.05);

    const x = wave(2 * 256);
    const unet32 = await session(join(fx.pipelines.tinySd, 'unet/model.onnx'));
    const ref = values(
      (
        await unet32.run({
          sample: f32(x, [2, 4, 8, 8]),
          timestep: new ort.Tensor('int64', BigInt64Array.from([400n]), [1]),
          encoder_hidden_states: f32(hidden32, [2, 77, 32]),
        })
      ).out_sample,
    );
    const unet16 = await session(join(fx.pipelines.tinySdFp16, 'unet/model.onnx'));
    const out = (
      await unet16.run({
        sample: f16(x, [2, 4, 8, 8]),
        timestep: f16([400, 400], [2]),
        encoder_hidden_states: f16(hidden32, [2, 77, 32]),
      })
    ).out_sample;
    expect(out.type).toBe('float16');
    expect(maxAbsDiff(asF32(out), ref)).toBeLessThan(0.02);

    const dec = await session(join(fx.pipelines.tinySdFp16, 'vae_decoder/model.onnx'));
    const img = (await dec.run({ latent_sample: f16(x, [2, 4, 8, 8]) })).sample;
    expect(img.type).toBe('float16');
    expect(img.dims).toEqual([2, 3, 64, 64]);
  });
});

/** ᾱ_t from the diffusers definition: betas = linspace(√0.00085, √0.012, 1000)², cumulative product. */
function alphaBar(t: number): number {
  const at = (i: number) => {
    let prod = 1;
    for (let s = 0; s <= i; s++) {
      const root = Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * s) / 999;
      prod *= 1 - root * root;
    }
    return prod;
  };
  const lo = Math.floor(t);
  return lo === t ? at(t) : at(lo) + (t - lo) * (at(lo + 1) - at(lo));
}

describe('Gaussian ε-predictor U-Net', () => {
  it('equals E[ε | x_t] for x₀ ~ N(μ, s²) at integer and fractional timesteps', async () => {
    const { mu, s } = fx.gaussian;
    const ts = [0, 1, 250.5, 999];
    const x = wave(ts.length * 4 * 2 * 2, 3);
    for (const path of [fx.gaussian.unet, fx.gaussian.unetNoText]) {
      const sess = await session(path);
      const feeds: Record<string, ort.Tensor> = {
        sample: f32(x, [ts.length, 4, 2, 2]),
        timestep: f32(ts, [ts.length]),
      };
      if (path === fx.gaussian.unet)
        feeds.encoder_hidden_states = f32(new Float32Array(ts.length * 77 * 32), [ts.length, 77, 32]);
      const eps = values((await sess.run(feeds)).out_sample);
      ts.forEach((t, b) => {
        const a = alphaBar(t);
        for (let i = 0; i < 16; i++) {
          const xi = x[b * 16 + i];
          const expected = ((xi - Math.sqrt(a) * mu) * Math.sqrt(1 - a)) / (a * s * s + 1 - a);
          expect(eps[b * 16 + i]).toBeCloseTo(expected, 5);
        }
      });
    }
  });
});

describe('bad fixtures', () => {
  it('a truncated .onnx does not load', async () => {
    await expect(ort.InferenceSession.create(fx.bad.corruptOnnx)).rejects.toThrow(
      /Protobuf parsing failed|Failed to load/i,
    );
  });

  it('the wrong-inputs model loads but has no SD slot input', async () => {
    const s = await ort.InferenceSession.create(fx.bad.wrongInputsOnnx);
    expect(s.inputNames).toEqual(['features', 'mask']);
  });

  it('the not-a-pipeline folder and the pipeline without merges.txt miss what a pipeline needs', async () => {
    expect(existsSync(fx.bad.notAPipeline)).toBe(true);
    expect((await readdir(fx.bad.notAPipeline)).some((n) => n === 'model_index.json' || n === 'unet')).toBe(
      false,
    );
    expect(existsSync(join(fx.bad.pipelineMissingMerges, 'model_index.json'))).toBe(true);
    expect(existsSync(join(fx.bad.pipelineMissingMerges, 'tokenizer/vocab.json'))).toBe(true);
    expect(existsSync(join(fx.bad.pipelineMissingMerges, 'tokenizer/merges.txt'))).toBe(false);
  });
});
