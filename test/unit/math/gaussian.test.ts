// The isotropic Gaussian check: for x₀ ~ N(μ, s²) the exact ε-predictor is closed-form, every
// deterministic sampler is an affine map x_final = a + g·x_init, and g tends to the probability-flow
// value as steps grow; stochastic samplers must reproduce mean μ and std s.
//
// PF ODE in σ coordinates (x = x₀ + σ·n): dx/dσ = (x − D)/σ with D = μ + s²/(s² + σ²)·(x − μ), so
// y = x − μ obeys dy/dσ = y·σ/(s² + σ²), i.e. y ∝ √(s² + σ²): from σ_T to σ_f,
//   x_f = μ + (x_T − μ)·√(s² + σ_f²)/√(s² + σ_T²).
// The Sampler takes an already-noisy latent in α form (x_T = x_in·√(1 + σ_T²) in σ coordinates) and
// α-space samplers return α form (divide by √(1 + σ_f²)).
import { describe, expect, it } from 'vitest';
import { type SamplerName, samplerSpace } from '../../../nodes/math/plan.ts';
import { sample } from '../../../nodes/math/sample.ts';
import type { SchedulerName } from '../../../nodes/math/schedules.ts';
import { buildSchedule } from '../../../nodes/schedule.ts';
import { gaussianDenoiser, rampLatent } from './helpers.ts';

const MU = 0.3;
const S = 0.5;
const model = gaussianDenoiser(MU, S, { channels: 1 });

async function affineMap(sampler: SamplerName, scheduler: SchedulerName, steps: number, denoiser = model) {
  const schedule = buildSchedule(model, { scheduler, steps, denoise: 1 });
  const x1 = rampLatent([1, 1, 4, 4]);
  const x2 = { data: x1.data.map((v) => 2 * v + 0.7), shape: x1.shape };
  const run = (latent: typeof x1) =>
    sample({ denoiser, schedule, latent, sampler, cfg: 1, seed: 0, eta: 0, addNoise: false });
  const [r1, r2] = [await run(x1), await run(x2)];
  const gains = Array.from(x1.data, (v, i) => (r2.latent.data[i] - r1.latent.data[i]) / (x2.data[i] - v));
  const offsets = Array.from(x1.data, (v, i) => r1.latent.data[i] - gains[i] * v);
  // closed form
  const plan = r1.plan;
  const alpha = samplerSpace(sampler) === 'alpha';
  const sigmaT = plan.sigmas[0];
  const last = plan.alphasCumprod.length - 1;
  const sigmaF = alpha
    ? Math.sqrt((1 - plan.alphasCumprod[last]) / plan.alphasCumprod[last])
    : plan.sigmas[last];
  const shrink = Math.sqrt(S * S + sigmaF * sigmaF) / Math.sqrt(S * S + sigmaT * sigmaT);
  const out = alpha ? Math.sqrt(1 + sigmaF * sigmaF) : 1;
  return {
    gains,
    offsets,
    gStar: (Math.sqrt(1 + sigmaT * sigmaT) * shrink) / out,
    aStar: (MU * (1 - shrink)) / out,
  };
}

const spread = (values: number[]) => Math.max(...values) - Math.min(...values);

describe('deterministic samplers on Gaussian data', () => {
  const cases: [SamplerName, SchedulerName, number][] = [
    ['euler', 'leading', 2.5e-2],
    ['euler', 'karras', 2e-2],
    ['heun', 'leading', 5e-3],
    ['lms', 'leading', 1e-3],
    ['dpmpp_2m', 'leading', 2e-2],
    ['dpmpp_2m', 'karras', 3e-3],
    ['ddim', 'leading', 2e-2],
    ['euler', 'trailing', 2.5e-2],
  ];
  for (const [sampler, scheduler, tolerance] of cases) {
    it(`${sampler} (${scheduler}) is affine and approaches the probability-flow map as steps grow`, async () => {
      const errors: number[] = [];
      for (const steps of [10, 40, 160]) {
        const { gains, offsets, gStar, aStar } = await affineMap(sampler, scheduler, steps);
        expect(spread(gains) / Math.abs(gains[0])).toBeLessThan(1e-4);
        expect(spread(offsets)).toBeLessThan(1e-4);
        errors.push(Math.max(Math.abs(gains[0] - gStar) / gStar, Math.abs(offsets[0] - aStar)));
      }
      expect(errors[2]).toBeLessThan(errors[0]);
      expect(errors[2]).toBeLessThan(tolerance);
    });
  }
});

describe('v-prediction and x₀-prediction models reach the same map', () => {
  for (const predictionType of ['v_prediction', 'sample'] as const) {
    const other = gaussianDenoiser(MU, S, { channels: 1, config: { predictionType } });
    for (const sampler of ['euler', 'heun', 'dpmpp_2m', 'ddim', 'lms'] as SamplerName[]) {
      it(`${predictionType} with ${sampler}: same affine map as the ε model, within float32`, async () => {
        const eps = await affineMap(sampler, 'leading', 20);
        const converted = await affineMap(sampler, 'leading', 20, other);
        expect(Math.abs(converted.gains[0] - eps.gains[0]) / eps.gains[0]).toBeLessThan(1e-4);
        expect(Math.abs(converted.offsets[0] - eps.offsets[0])).toBeLessThan(1e-4);
      });
    }
  }
});

async function moments(
  sampler: SamplerName,
  scheduler: SchedulerName,
  steps: number,
  extra: { eta?: number; langevinSteps?: number; langevinStepSize?: number } = {},
) {
  const schedule = buildSchedule(model, { scheduler, steps, denoise: 1 });
  const latent = { data: new Float32Array(4 * 64 * 64), shape: [4, 1, 64, 64] };
  const { latent: out } = await sample({
    denoiser: model,
    schedule,
    latent,
    sampler,
    cfg: 1,
    seed: 7,
    eta: extra.eta ?? 0,
    addNoise: true,
    ...extra,
  });
  const mean = out.data.reduce((a, b) => a + b, 0) / out.data.length;
  const variance = out.data.reduce((a, b) => a + (b - mean) ** 2, 0) / out.data.length;
  return { mean, std: Math.sqrt(variance) };
}

describe('stochastic samplers on Gaussian data produce N(μ, s²)', () => {
  const cases: [string, SamplerName, SchedulerName, number, Parameters<typeof moments>[3]][] = [
    ['ddpm', 'ddpm', 'leading', 999, {}],
    ['euler_ancestral', 'euler_ancestral', 'linspace', 999, {}],
    ['dpmpp_2m_sde', 'dpmpp_2m_sde', 'karras', 50, {}],
    ['ddim with eta 1', 'ddim', 'leading', 500, { eta: 1 }],
    ['langevin', 'langevin', 'geometric', 1000, { langevinStepSize: 1 }],
    ['annealed_langevin', 'annealed_langevin', 'geometric', 20, { langevinSteps: 50, langevinStepSize: 1 }],
  ];
  for (const [label, sampler, scheduler, steps, extra] of cases) {
    it(`${label}: mean ${MU}, std ${S} over 16384 samples`, async () => {
      const { mean, std } = await moments(sampler, scheduler, steps, extra);
      // standard errors: mean 0.004, std 0.003
      expect(Math.abs(mean - MU)).toBeLessThan(0.015);
      expect(Math.abs(std - S) / S).toBeLessThan(0.03);
    });
  }
});
