// The Sampler node around the math: guidance batching, seeds, batch items, progress with previews,
// cancellation, txt2img start, and runtime input errors.
import { describe, expect, it } from 'vitest';
import type { NodeContext, PreviewImage } from '../../../nodes/api.ts';
import { seededNoise } from '../../../nodes/math/noise.ts';
import { sample } from '../../../nodes/math/sample.ts';
import { samplingNodes } from '../../../nodes/sampling.ts';
import { buildSchedule } from '../../../nodes/schedule.ts';
import type { Conditioning } from '../../../nodes/types.ts';
import { fakeContext, fakeServices } from '../fake-services.ts';
import { nonlinearDenoiser } from './helpers.ts';

const samplerNode = samplingNodes[0];
const cond = (value: number, batch = 1): Conditioning => ({
  data: new Float32Array(batch * 77 * 8).fill(value),
  shape: [batch, 77, 8],
});
const zeros = (shape: number[]) => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape });

function context(overrides: Partial<NodeContext> = {}) {
  const progress: { step: number; total: number; preview?: PreviewImage }[] = [];
  const warnings: string[] = [];
  const ctx: NodeContext = {
    nodeId: 'sampler',
    signal: new AbortController().signal,
    progress: (step, total, preview) => progress.push({ step, total, preview }),
    warn: (message) => warnings.push(message),
    output: () => {},
    log: { info() {}, warn() {}, error() {} },
    runtime: fakeContext().ctx.runtime,
    run: { graph: null, modelReferences: async () => [] },
    // The sampler needs no service: any call fails the test.
    services: fakeServices(),
    ...overrides,
  };
  return { ctx, progress, warnings };
}

const widgets = {
  sampler: 'euler',
  cfg: 7.5,
  seed: 3,
  eta: 0,
  add_noise: true,
  langevin_steps: 10,
  step_size: 0.5,
};

describe('classifier-free guidance', () => {
  it('makes one call of batch 2B per step for a dynamic-batch model, [negative; positive]', async () => {
    const model = nonlinearDenoiser({ conditional: true });
    const schedule = buildSchedule(model, { scheduler: 'leading', steps: 5, denoise: 1 });
    const { ctx } = context();
    await samplerNode.run(ctx, {
      ...widgets,
      model,
      schedule,
      latent: zeros([2, 4, 8, 8]),
      positive: cond(1),
      negative: cond(-1),
    });
    expect(model.calls.map((c) => c.batch)).toEqual([4, 4, 4, 4, 4]);
    const ctxData = model.calls[0].context?.data;
    const item = 77 * 8;
    expect([ctxData?.[0], ctxData?.[item], ctxData?.[2 * item], ctxData?.[3 * item]]).toEqual([-1, -1, 1, 1]);
  });

  it('makes two calls of batch B per step when the model takes a fixed batch', async () => {
    const model = nonlinearDenoiser({ conditional: true, batch: 2 });
    const schedule = buildSchedule(model, { scheduler: 'leading', steps: 3, denoise: 1 });
    await samplerNode.run(context().ctx, {
      ...widgets,
      model,
      schedule,
      latent: zeros([2, 4, 8, 8]),
      positive: cond(1),
      negative: cond(-1),
    });
    expect(model.calls.map((c) => c.batch)).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('gives the same latent either way, equal to u + cfg·(c − u) per step', async () => {
    const dynamic = nonlinearDenoiser({ conditional: true });
    const fixed = nonlinearDenoiser({ conditional: true, batch: 1 });
    const schedule = buildSchedule(dynamic, { scheduler: 'karras', steps: 4, denoise: 1 });
    const run = (model: typeof dynamic) =>
      samplerNode.run(context().ctx, {
        ...widgets,
        model,
        schedule,
        latent: zeros([2, 4, 8, 8]),
        positive: cond(1),
        negative: cond(-1),
      });
    const [a, b] = [await run(dynamic), await run(fixed)];
    expect((a.latent as { data: Float32Array }).data).toEqual((b.latent as { data: Float32Array }).data);
    expect(fixed.calls.length).toBe(4 * 2 * 2);
  });

  it('applies the guidance formula to the model outputs', async () => {
    // one Euler step from a known x: x' = x + (σ₁ − σ₀)·ε̂ with ε̂ = u + cfg·(c − u)
    const model = nonlinearDenoiser({ conditional: true });
    const schedule = buildSchedule(model, { scheduler: 'linspace', steps: 1, denoise: 1 });
    const latent = { data: Float32Array.from({ length: 64 }, (_, i) => Math.cos(i)), shape: [1, 4, 4, 4] };
    const result = await sample({
      denoiser: model,
      schedule,
      latent,
      sampler: 'euler',
      cfg: 3,
      seed: 0,
      eta: 0,
      addNoise: false,
      positive: cond(2),
      negative: cond(-2),
    });
    const sigma = schedule.sigmas[0];
    const x = latent.data.map((v) => v * Math.sqrt(sigma * sigma + 1));
    const scaled = { data: x.map((v) => v / Math.sqrt(sigma * sigma + 1)), shape: latent.shape };
    const u = await nonlinearDenoiser().predict(scaled, schedule.timesteps[0], cond(-2));
    const c = await nonlinearDenoiser().predict(scaled, schedule.timesteps[0], cond(2));
    const expected = x.map((v, i) => v + (0 - sigma) * (u[i] + 3 * (c[i] - u[i])));
    result.latent.data.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i], 4);
    });
  });

  it('makes no unconditional call at cfg 1 and needs no negative', async () => {
    const model = nonlinearDenoiser({ conditional: true });
    const schedule = buildSchedule(model, { scheduler: 'leading', steps: 3, denoise: 1 });
    await samplerNode.run(context().ctx, {
      ...widgets,
      cfg: 1,
      model,
      schedule,
      latent: zeros([3, 4, 8, 8]),
      positive: cond(1),
    });
    expect(model.calls.map((c) => c.batch)).toEqual([3, 3, 3]);
    expect(model.calls.every((c) => c.context?.data[0] === 1 && c.context.shape[0] === 3)).toBe(true);
  });

  it('runs an unconditional model without conditioning, warning if some is wired', async () => {
    const model = nonlinearDenoiser({ conditional: false });
    const schedule = buildSchedule(model, { scheduler: 'leading', steps: 2, denoise: 1 });
    const { ctx, warnings } = context();
    await samplerNode.run(ctx, {
      ...widgets,
      model,
      schedule,
      latent: zeros([1, 4, 8, 8]),
      positive: cond(1),
    });
    expect(model.calls.map((c) => [c.batch, c.context])).toEqual([
      [1, undefined],
      [1, undefined],
    ]);
    expect(warnings[0]).toMatch(/unconditional/);
  });

  it('explains missing or mismatched conditioning', async () => {
    const model = nonlinearDenoiser({ conditional: true });
    const schedule = buildSchedule(model, { scheduler: 'leading', steps: 2, denoise: 1 });
    const base = { ...widgets, model, schedule, latent: zeros([2, 4, 8, 8]) };
    await expect(samplerNode.run(context().ctx, base)).rejects.toMatchObject({ input: 'positive' });
    await expect(samplerNode.run(context().ctx, { ...base, positive: cond(1) })).rejects.toMatchObject({
      input: 'negative',
      message: expect.stringMatching(/cfg/),
    });
    await expect(
      samplerNode.run(context().ctx, { ...base, positive: cond(1, 3), negative: cond(0) }),
    ).rejects.toMatchObject({ input: 'positive' });
    await expect(
      samplerNode.run(context().ctx, { ...base, latent: zeros([2, 3, 8, 8]) }),
    ).rejects.toMatchObject({ input: 'latent', message: expect.stringMatching(/channels/) });
  });
});

describe('seeds and batches', () => {
  const model = nonlinearDenoiser();
  const run = (seed: number, batch: number, sampler: string) =>
    samplerNode
      .run(context().ctx, {
        ...widgets,
        sampler,
        seed,
        model,
        schedule: buildSchedule(model, { scheduler: 'leading', steps: 6, denoise: 1 }),
        latent: zeros([batch, 4, 8, 8]),
      })
      .then((out) => (out.latent as { data: Float32Array }).data);

  for (const sampler of ['euler', 'euler_ancestral', 'dpmpp_2m_sde', 'ddpm', 'lcm']) {
    it(`${sampler}: same seed, same latent; item i of a batch equals a batch of one with seed + i`, async () => {
      const batch = await run(40, 3, sampler);
      expect(await run(40, 3, sampler)).toEqual(batch);
      const other = await run(41, 3, sampler);
      expect(other.subarray(0, 256)).not.toEqual(batch.subarray(0, 256));
      for (let i = 0; i < 3; i++)
        expect(batch.subarray(i * 256, (i + 1) * 256)).toEqual(await run(40 + i, 1, sampler));
    });
  }

  it('txt2img starts from seeded unit noise times init_noise_sigma', async () => {
    const schedule = buildSchedule(model, { scheduler: 'leading', steps: 4, denoise: 1 });
    const seen: Float32Array[] = [];
    const probe = {
      ...model,
      predict: async (x: { data: Float32Array }) => {
        seen.push(x.data.slice());
        return new Float32Array(x.data.length);
      },
    };
    await sample({
      denoiser: probe,
      schedule,
      latent: zeros([1, 4, 8, 8]),
      sampler: 'euler',
      cfg: 1,
      seed: 9,
      eta: 0,
      addNoise: true,
    });
    const noise = seededNoise(9, [1, 4, 8, 8]);
    // the model sees x / √(σ₀² + 1) with x = z · √(σ₀² + 1) (leading): the unit noise itself
    seen[0].forEach((v, i) => {
      expect(v).toBeCloseTo(noise[i] * (schedule.initNoiseSigma / Math.sqrt(schedule.sigmas[0] ** 2 + 1)), 5);
    });
    expect(schedule.initNoiseSigma).toBeCloseTo(Math.sqrt(schedule.sigmas[0] ** 2 + 1), 5);
  });
});

describe('progress and cancel', () => {
  it('reports every step with a preview every few steps and at the end', async () => {
    const model = nonlinearDenoiser();
    const { ctx, progress } = context();
    await samplerNode.run(ctx, {
      ...widgets,
      model,
      schedule: buildSchedule(model, { scheduler: 'leading', steps: 7, denoise: 1 }),
      latent: zeros([1, 4, 16, 24]),
    });
    expect(progress.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(progress.every((p) => p.total === 7)).toBe(true);
    expect(progress.filter((p) => p.preview).map((p) => p.step)).toEqual([3, 6, 7]);
    const preview = progress[6].preview as PreviewImage;
    expect([preview.width, preview.height, preview.rgb.length]).toEqual([24, 16, 24 * 16 * 3]);
  });

  it('stops between steps when the run is cancelled', async () => {
    const model = nonlinearDenoiser();
    const controller = new AbortController();
    const { ctx } = context({
      signal: controller.signal,
      progress: (step) => {
        if (step === 2) controller.abort();
      },
    });
    const run = samplerNode.run(ctx, {
      ...widgets,
      model,
      schedule: buildSchedule(model, { scheduler: 'leading', steps: 10, denoise: 1 }),
      latent: zeros([1, 4, 8, 8]),
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(model.calls.length).toBe(2);
  });
});
