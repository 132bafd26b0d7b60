// Every fixture model loads and runs in ONNX Runtime (cpu) with SD's interfaces, and its outputs
// really depend on its inputs (text, timestep), so runtime and sampler tests built on them can fail.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';
import { encodeText, f32, ids, maxAbsDiff, session, values, wave } from './fixture-helpers.ts';

let fx: FixtureModels;
beforeAll(async () => {
  fx = await ensureFixtureModels();
});

const D = 32;
const latentShape = (b: number) => [b, 4, 8, 8];
const timestep = (t: number) => new ort.Tensor('int64', BigInt64Array.from([BigInt(t)]), [1]);

async function unet(
  path: string,
  x: Float32Array,
  b: number,
  t: ort.Tensor,
  context: ort.Tensor,
): Promise<Float32Array> {
  const s = await session(path);
  const out = await s.run({ sample: f32(x, latentShape(b)), timestep: t, encoder_hidden_states: context });
  expect(out.out_sample.dims).toEqual(latentShape(b));
  return values(out.out_sample);
}

describe('fixture set', () => {
  it('is reused: a second call returns the same folder with its completion marker', async () => {
    expect(await ensureFixtureModels()).toEqual(fx);
    const manifest = JSON.parse(await readFile(join(fx.modelsDir, 'fixtures.json'), 'utf8'));
    expect(manifest.pipelines.tinySd).toBe('tiny-sd');
  });

  it('writes pipelines in the diffusers ONNX layout with SD 1.5 scheduler and VAE configs', async () => {
    for (const dir of Object.values(fx.pipelines)) {
      for (const f of [
        'model_index.json',
        'text_encoder/model.onnx',
        'unet/model.onnx',
        'vae_decoder/model.onnx',
        'vae_encoder/model.onnx',
        'tokenizer/vocab.json',
        'tokenizer/merges.txt',
        'tokenizer/README.md',
      ]) {
        expect(existsSync(join(dir, f)), `${dir}/${f}`).toBe(true);
      }
      const sched = JSON.parse(await readFile(join(dir, 'scheduler/scheduler_config.json'), 'utf8'));
      expect(sched).toMatchObject({
        num_train_timesteps: 1000,
        beta_schedule: 'scaled_linear',
        beta_start: 0.00085,
        beta_end: 0.012,
        steps_offset: 1,
        set_alpha_to_one: false,
        prediction_type: 'epsilon',
      });
      const vae = JSON.parse(await readFile(join(dir, 'vae_decoder/config.json'), 'utf8'));
      expect(vae.scaling_factor).toBe(fx.scalingFactor);
    }
    expect(existsSync(join(fx.pipelines.tinySdExternalData, 'unet/model.onnx_data'))).toBe(true);
  });
});

describe('tiny text encoder', () => {
  it('maps input_ids int32 [B,77] to last_hidden_state [B,77,D] and pools at the EOS token', async () => {
    const rows = [ids(320, 736, 2866), ids(1929)];
    const { hidden, pooled } = await encodeText(join(fx.pipelines.tinySd, 'text_encoder/model.onnx'), rows);
    expect(hidden.dims).toEqual([2, 77, D]);
    expect(pooled.dims).toEqual([2, D]);
    const h = values(hidden);
    const p = values(pooled);
    // EOS sits at position 4 in row 0 and position 2 in row 1.
    expect(Array.from(p.subarray(0, D))).toEqual(Array.from(h.subarray(4 * D, 5 * D)));
    expect(Array.from(p.subarray(D))).toEqual(Array.from(h.subarray((77 + 2) * D, (77 + 3) * D)));
    expect(maxAbsDiff(h.subarray(0, 77 * D), h.subarray(77 * D))).toBeGreaterThan(0.1);
  });
});

describe('tiny U-Net', () => {
  const x = wave(2 * 256);
  const path = () => join(fx.pipelines.tinySd, 'unet/model.onnx');

  it('gives bounded outputs that change with the timestep and with the text (cross-attention)', async () => {
    const te = join(fx.pipelines.tinySd, 'text_encoder/model.onnx');
    const a = (await encodeText(te, [ids(320), ids(320)])).hidden;
    const b = (await encodeText(te, [ids(1929, 4), ids(1929, 4)])).hidden;
    const base = await unet(path(), x, 2, timestep(500), a);
    expect(base.every((v) => Number.isFinite(v) && Math.abs(v) < 10)).toBe(true);
    expect(maxAbsDiff(base, await unet(path(), x, 2, timestep(20), a))).toBeGreaterThan(1e-2);
    expect(maxAbsDiff(base, await unet(path(), x, 2, timestep(500), b))).toBeGreaterThan(1e-3);
  });

  it('treats batch rows independently (dynamic batch) and matches its external-data twin exactly', async () => {
    const context = f32(wave(2 * 77 * D, 1), [2, 77, D]);
    const both = await unet(path(), x, 2, timestep(300), context);
    const first = await unet(
      path(),
      x.subarray(0, 256),
      1,
      timestep(300),
      f32(values(context).subarray(0, 77 * D), [1, 77, D]),
    );
    expect(maxAbsDiff(both.subarray(0, 256), first)).toBeLessThan(1e-5);
    const ext = await unet(
      join(fx.pipelines.tinySdExternalData, 'unet/model.onnx'),
      x,
      2,
      timestep(300),
      context,
    );
    expect(Array.from(ext)).toEqual(Array.from(both));
  });

  it('single-file variants: float32 [batch] timesteps (fractional) and a fixed batch of 1', async () => {
    const context = f32(wave(2 * 77 * D, 2), [2, 77, D]);
    const ref = await unet(path(), x, 2, timestep(300), context);
    const tFloat = f32([300, 300], [2]);
    expect(maxAbsDiff(await unet(fx.files.unet, x, 2, tFloat, context), ref)).toBeLessThan(1e-5);
    const frac = await unet(fx.files.unet, x, 2, f32([300.5, 300.5], [2]), context);
    expect(maxAbsDiff(frac, ref)).toBeGreaterThan(0);
    const one = await session(fx.files.unetBatch1);
    await expect(
      one.run({ sample: f32(x, latentShape(2)), timestep: timestep(300), encoder_hidden_states: context }),
    ).rejects.toThrow();
    const row = await unet(
      fx.files.unetBatch1,
      x.subarray(0, 256),
      1,
      timestep(300),
      f32(values(context).subarray(0, 77 * D), [1, 77, D]),
    );
    expect(maxAbsDiff(row, ref.subarray(0, 256))).toBeLessThan(1e-5);
  });
});

describe('tiny VAE', () => {
  it('decodes [B,4,h,w] to [B,3,8h,8w] in (-1,1) and encodes back to latent shape', async () => {
    const dec = await session(join(fx.pipelines.tinySd, 'vae_decoder/model.onnx'));
    const { sample } = await dec.run({ latent_sample: f32(wave(2 * 4 * 4 * 6), [2, 4, 4, 6]) });
    expect(sample.dims).toEqual([2, 3, 32, 48]);
    expect(values(sample).every((v) => v > -1 && v < 1)).toBe(true);
    const enc = await session(join(fx.pipelines.tinySd, 'vae_encoder/model.onnx'));
    const { latent_sample } = await enc.run({ sample });
    expect(latent_sample.dims).toEqual([2, 4, 4, 6]);
  });
});
