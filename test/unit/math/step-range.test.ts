// Start/end steps and leftover noise (ComfyUI's KSamplerAdvanced): the boundary cut as comfy/samplers.py
// does it, and two chained partial runs of a deterministic sampler equal one full run.
import { describe, expect, it } from 'vitest';
import { seededNoise } from '../../../nodes/math/noise.ts';
import type { SamplerName, SamplingPlan } from '../../../nodes/math/plan.ts';
import { sample } from '../../../nodes/math/sample.ts';
import { planInRange } from '../../../nodes/math/step-range.ts';
import { buildSchedule } from '../../../nodes/schedule.ts';
import type { Latent } from '../../../nodes/types.ts';
import { maxRelDiff, nonlinearDenoiser, rampLatent } from './helpers.ts';

const plan = (sigmas: number[]): SamplingPlan => ({
  timesteps: Float64Array.from(sigmas.slice(0, -1).map((_, i) => 900 - 100 * i)),
  sigmas: Float64Array.from(sigmas),
  alphasCumprod: Float64Array.from(sigmas.map((s) => 1 / (1 + s * s))),
  initNoiseSigma: sigmas[0],
});

describe('the step range on a plan', () => {
  const five = plan([14, 8, 4, 2, 1, 0]);

  it('cuts at end, zeroes the last boundary unless the leftover noise is kept, then drops the start', () => {
    const kept = planInRange(five, { start: 1, end: 3, leftoverNoise: true });
    expect(Array.from(kept.sigmas)).toEqual([8, 4, 2]);
    expect(Array.from(kept.timesteps)).toEqual([800, 700]);
    const finished = planInRange(five, { start: 1, end: 3, leftoverNoise: false });
    expect(Array.from(finished.sigmas)).toEqual([8, 4, 0]);
    expect(finished.alphasCumprod[2]).toBe(1);
    // an end past the last step changes nothing, leftover or not
    expect(Array.from(planInRange(five, { start: 2, end: 10000, leftoverNoise: false }).sigmas)).toEqual([
      4, 2, 1, 0,
    ]);
  });

  it('leaves no step when start reaches end', () => {
    expect(planInRange(five, { start: 3, end: 3, leftoverNoise: false }).timesteps.length).toBe(0);
    expect(planInRange(five, { start: 7, end: 10000, leftoverNoise: true }).timesteps.length).toBe(0);
  });
});

describe('partial runs through the Sampler math', () => {
  const model = nonlinearDenoiser();
  const latent: Latent = { data: new Float32Array(4 * 8 * 8), shape: [1, 4, 8, 8] };
  const run = async (
    sampler: SamplerName,
    input: Latent,
    range: { start?: number; end?: number },
    addNoise: boolean,
    leftoverNoise: boolean,
  ) => {
    const schedule = buildSchedule(model, {
      scheduler: sampler === 'ddim' ? 'leading' : 'karras',
      steps: 8,
      denoise: 1,
      startStep: range.start,
      endStep: range.end,
    });
    return sample({
      denoiser: model,
      schedule,
      latent: input,
      sampler,
      cfg: 1,
      seed: 5,
      eta: 0,
      addNoise,
      leftoverNoise,
    });
  };

  // Heun: the first part's last step (to σ > 0) is a full Heun step, as in k-diffusion, so the chain
  // equals the full run, whose last step (to σ = 0) alone is Euler.
  for (const sampler of ['euler', 'ddim', 'heun'] as const) {
    it(`${sampler}: steps 0–3 with leftover noise, then 3–end without adding noise, equal one full run`, async () => {
      const full = await run(sampler, latent, {}, true, false);
      const first = await run(sampler, latent, { end: 3 }, true, true);
      expect(first.modelCalls.length).toBeGreaterThan(0);
      const second = await run(sampler, first.latent, { start: 3 }, false, false);
      expect(maxRelDiff(second.latent.data, full.latent.data)).toBeLessThan(1e-5);
      // without the leftover noise the first part denoises fully: not the input of a continuation
      const finished = await run(sampler, latent, { end: 3 }, true, false);
      expect(maxRelDiff(finished.latent.data, first.latent.data)).toBeGreaterThan(1e-2);
    });
  }

  for (const sampler of ['dpmpp_2m', 'dpmpp_2m_sde'] as const) {
    it(`${sampler}: a run cut at step 3 with leftover noise ends where the full run is after 3 steps`, async () => {
      // k-diffusion keeps the second-order update on a last step whose σ_next > 0; only a step to σ = 0
      // is first order. The full run's third step is second order, so the cut run's must be too.
      const schedule = buildSchedule(model, { scheduler: 'karras', steps: 8, denoise: 1 });
      const afterThree: Float32Array[] = [];
      await sample({
        denoiser: model,
        schedule,
        latent,
        sampler,
        cfg: 1,
        seed: 5,
        eta: 0,
        addNoise: true,
        onLatent: (done, x) => {
          if (done === 3) afterThree.push(x.slice());
        },
      });
      const cut = await run(sampler, latent, { end: 3 }, true, true);
      expect(maxRelDiff(cut.latent.data, afterThree[0])).toBeLessThan(1e-6);
    });
  }

  it('adds seeded noise at the start step’s σ when starting later with add_noise (σ-space: x₀ + σ·z)', async () => {
    const schedule = buildSchedule(model, { scheduler: 'karras', steps: 8, denoise: 1, startStep: 2 });
    const seen: Float32Array[] = [];
    const probe = {
      ...model,
      predict: async (x: { data: Float32Array }) => {
        seen.push(x.data.slice());
        return new Float32Array(x.data.length);
      },
    };
    const x0 = rampLatent([1, 4, 8, 8]);
    const result = await sample({
      denoiser: probe,
      schedule,
      latent: x0,
      sampler: 'euler',
      cfg: 1,
      seed: 9,
      eta: 0,
      addNoise: true,
    });
    const sigma = result.plan.sigmas[0];
    expect(sigma).toBeCloseTo(schedule.sigmas[2], 5);
    const z = seededNoise(9, [1, 4, 8, 8]);
    // Euler feeds the model c_in·x = x / √(σ² + 1)
    seen[0].forEach((v, i) => {
      expect(v).toBeCloseTo((x0.data[i] + z[i] * sigma) / Math.sqrt(sigma * sigma + 1), 5);
    });
    expect(seen.length).toBe(6);
  });

  it('hands the latent back unchanged, with no model call, when the range holds no step', async () => {
    const input = rampLatent([1, 4, 8, 8]);
    const result = await run('euler', input, { start: 5, end: 5 }, true, false);
    expect(result.modelCalls).toEqual([]);
    expect(result.latent.data).toEqual(input.data);
  });

  it('refuses a step number that is not a whole number ≥ 0, naming the widget', () => {
    const inputOf = (startStep?: number, endStep?: number) => {
      try {
        buildSchedule(model, { scheduler: 'karras', steps: 8, denoise: 1, startStep, endStep });
      } catch (error) {
        return [(error as { input?: string }).input, (error as Error).message];
      }
      return null;
    };
    expect(inputOf(-1)).toEqual(['start_at_step', 'expected a whole step number ≥ 0, got -1']);
    expect(inputOf(0, 2.5)).toEqual(['end_at_step', 'expected a whole step number ≥ 0, got 2.5']);
    expect(inputOf(2, 4)).toBeNull();
  });
});
