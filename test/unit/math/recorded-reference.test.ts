// Diffgraph's samplers against trajectories recorded from the original implementations: diffusers'
// scheduler classes and k-diffusion's samplers, run once in PyTorch by scripts/reference/samplers.py
// (SD 1.5 training schedule, a fixed nonlinear stand-in model, 12 steps, batch of 2). The same start
// latent goes in; the latent after every step must agree to float32 precision.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpy } from '../../../nodes/formats/npy.ts';
import { type SamplerName, samplerSpace } from '../../../nodes/math/plan.ts';
import { planForSchedule, sample } from '../../../nodes/math/sample.ts';
import type { SchedulerName } from '../../../nodes/math/schedules.ts';
import { buildSchedule } from '../../../nodes/schedule.ts';
import type { Denoiser, PredictionType, Tensor } from '../../../nodes/types.ts';
import { SD15 } from './helpers.ts';

const DIR = join(import.meta.dirname, '../../fixtures/reference/samplers');
const index = JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as {
  steps: number;
  cases: { name: string; source: string }[];
};
const npy = (name: string): Tensor => decodeNpy(readFileSync(join(DIR, name)));

/** The recording's stand-in model: tanh(0.7 v + 0.2 sin(i)) (0.8 + t/2000), i the flat index. */
function standIn(prediction: PredictionType): Denoiser {
  return {
    kind: 'denoiser',
    name: 'stand-in',
    config: { ...SD15, predictionType: prediction },
    channels: 4,
    batch: 'dynamic',
    conditional: false,
    async predict(x: Tensor, t: number) {
      return Float32Array.from(x.data, (v, i) => Math.tanh(0.7 * v + 0.2 * Math.sin(i)) * (0.8 + t / 2000));
    },
  };
}

/** How each recorded case is set up in Diffgraph: NoiseSchedule.scheduler, Sampler.sampler, prediction. */
const SETUP: Record<string, [SchedulerName, SamplerName, PredictionType]> = {
  'ddim-leading': ['leading', 'ddim', 'epsilon'],
  'ddim-leading-v': ['leading', 'ddim', 'v_prediction'],
  'euler-leading': ['leading', 'euler', 'epsilon'],
  'euler-leading-v': ['leading', 'euler', 'v_prediction'],
  'euler-karras': ['karras', 'euler', 'epsilon'],
  'heun-leading': ['leading', 'heun', 'epsilon'],
  'lms-leading': ['leading', 'lms', 'epsilon'],
  'dpmpp_2m-leading': ['leading', 'dpmpp_2m', 'epsilon'],
  'dpmpp_2m-karras': ['karras', 'dpmpp_2m', 'epsilon'],
  'k-euler-karras': ['karras', 'euler', 'epsilon'],
  'k-heun-karras': ['karras', 'heun', 'epsilon'],
  'k-lms-karras': ['karras', 'lms', 'epsilon'],
  'k-dpmpp_2m-karras': ['karras', 'dpmpp_2m', 'epsilon'],
};

/**
 * diffusers' DPM-Solver rounds the model's timesteps to integers on a Karras schedule (Diffgraph follows
 * it); k-diffusion passes the exact fractional t. With this model's t-dependence (0.8 + t/2000) that is
 * up to 0.5/2000 relative per call; the DPM-Solver++(2M) update itself must agree.
 */
const TOLERANCE: Record<string, number> = { 'k-dpmpp_2m-karras': 2.5e-4 };

/** Largest difference relative to the reference latent's scale at that step. */
function scaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / Math.max(scale, 1e-3);
}

/** The space a recording's latents live in. */
function recordedSpace(name: string): 'alpha' | 'sigma' {
  return name.startsWith('ddim') || name.startsWith('dpmpp') ? 'alpha' : 'sigma';
}

/** x_σ = x_α·√(σ²+1): the factor that takes a latent at level σ from α-space to σ-space. */
const toSigmaSpace = (sigma: number) => Math.sqrt(sigma * sigma + 1);

async function replay(name: string) {
  const [scheduler, sampler, prediction] = SETUP[name];
  const model = standIn(prediction);
  const schedule = buildSchedule(model, { scheduler, steps: index.steps, denoise: 1 });
  const plan = planForSchedule(sampler, model, schedule);
  const start = npy(`${name}.start.npy`);
  // sample() without add_noise takes an α-space latent (and rescales it for σ-space samplers).
  const factor = recordedSpace(name) === 'sigma' ? 1 / toSigmaSpace(plan.sigmas[0]) : 1;
  const latent = { data: Float32Array.from(start.data, (v) => v * factor), shape: start.shape };
  const ours: Float32Array[] = [];
  await sample({
    denoiser: model,
    schedule,
    latent,
    sampler,
    cfg: 1,
    seed: 0,
    eta: 0,
    addNoise: false,
    onLatent: (_step, x) => ours.push(x.slice()),
  });
  // Our latent after step i is at level σ_{i+1}; bring it into the recording's space.
  const from = samplerSpace(sampler);
  const to = recordedSpace(name);
  return ours.map((x, i) => {
    const k = toSigmaSpace(plan.sigmas[i + 1]);
    const scale = from === to ? 1 : from === 'alpha' ? k : 1 / k;
    return Float32Array.from(x, (v) => v * scale);
  });
}

describe('samplers follow the trajectories recorded from diffusers and k-diffusion', () => {
  it('covers at least ddim, euler, heun, dpmpp_2m and lms from diffusers', () => {
    const fromDiffusers = index.cases
      .filter((c) => c.source.startsWith('diffusers'))
      .map((c) => SETUP[c.name][1]);
    for (const sampler of ['ddim', 'euler', 'heun', 'dpmpp_2m', 'lms'])
      expect(fromDiffusers).toContain(sampler);
  });

  for (const { name, source } of index.cases) {
    it(`${name} (${source})`, async () => {
      const ours = await replay(name);
      const expected = npy(`${name}.steps.npy`);
      const stepSize = expected.data.length / index.steps;
      expect(ours.length).toBe(index.steps);
      ours.forEach((x, step) => {
        const reference = expected.data.subarray(step * stepSize, (step + 1) * stepSize);
        expect(scaledError(x, reference), `step ${step}`).toBeLessThan(TOLERANCE[name] ?? 1e-5);
      });
    });
  }
});
