// Every (scheduler, sampler) pair listed in the README ("Samplers and schedules") against an
// independent float64 re-derivation of the diffusers class on the SD 1.5 config: same timesteps,
// sigmas, init_noise_sigma, final noise level, and the same latent after every step (txt2img and
// img2img).
import { describe, expect, it } from 'vitest';
import { BatchNoise } from '../../../nodes/math/noise.ts';
import type { SamplerName } from '../../../nodes/math/plan.ts';
import { sample } from '../../../nodes/math/sample.ts';
import { buildSchedule } from '../../../nodes/schedule.ts';
import type { Denoiser, Tensor } from '../../../nodes/types.ts';
import { rampLatent, SD15 } from './helpers.ts';
import { type RefClass, type RefSpacing, refSample } from './reference-diffusers.ts';

const SHAPE = [2, 4, 4, 4];
const SIZE = 128;
const f = (v: number, t: number, i: number) => Math.tanh(0.7 * v + 0.2 * Math.sin(i)) * (0.8 + t / 2000);

const model: Denoiser = {
  kind: 'denoiser',
  name: 'nonlinear',
  config: SD15,
  channels: 4,
  batch: 'dynamic',
  conditional: false,
  async predict(x: Tensor, t: number) {
    return Float32Array.from(x.data, (v, i) => f(v, t, i));
  },
};

const PAIRS: [RefSpacing, RefClass, SamplerName][] = [
  ['leading', 'ddpm', 'ddpm'],
  ['leading', 'ddim', 'ddim'],
  ['leading', 'euler', 'euler'],
  ['linspace', 'euler', 'euler'],
  ['trailing', 'euler', 'euler'],
  ['karras', 'euler', 'euler'],
  ['leading', 'euler_ancestral', 'euler_ancestral'],
  ['linspace', 'euler_ancestral', 'euler_ancestral'],
  ['leading', 'heun', 'heun'],
  ['linspace', 'heun', 'heun'],
  ['leading', 'lms', 'lms'],
  ['linspace', 'lms', 'lms'],
  ['leading', 'dpmpp_2m', 'dpmpp_2m'],
  ['linspace', 'dpmpp_2m', 'dpmpp_2m'],
  ['karras', 'dpmpp_2m', 'dpmpp_2m'],
  ['leading', 'lcm', 'lcm'],
  // not in the table, same class with algorithm_type sde-dpmsolver++
  ['karras', 'dpmpp_2m_sde', 'dpmpp_2m_sde'],
  ['leading', 'dpmpp_2m_sde', 'dpmpp_2m_sde'],
];

async function runBoth(
  spacing: RefSpacing,
  cls: RefClass,
  sampler: SamplerName,
  steps: number,
  image?: { strength: number },
) {
  const latent = image ? rampLatent(SHAPE, 0.8) : { data: new Float32Array(SIZE), shape: SHAPE };
  const ours: Float32Array[] = [];
  const schedule = buildSchedule(model, { scheduler: spacing, steps, denoise: image?.strength ?? 1 });
  const result = await sample({
    denoiser: model,
    schedule,
    latent,
    sampler,
    cfg: 1,
    seed: 42,
    eta: 0,
    addNoise: true,
    onLatent: (_step, x) => ours.push(x.slice()),
  });
  const stream = new BatchNoise(42, SHAPE[0]);
  const noise = () => Array.from(stream.fill(new Float32Array(SIZE)));
  const reference = refSample(
    cls,
    spacing,
    steps,
    (x, t) => x.map((v, i) => f(v, t, i)),
    noise,
    image && { latent: Array.from(latent.data), strength: image.strength },
  );
  return { ours, result, reference };
}

/** Largest difference relative to the latent's scale at that step. */
function scaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / Math.max(scale, 1e-3);
}

describe('samplers reproduce their diffusers classes (SD 1.5 config)', () => {
  for (const [spacing, cls, sampler] of PAIRS) {
    const steps = cls === 'lcm' ? 4 : 12;
    it(`${spacing} + ${sampler}: timesteps, sigmas, init noise and every step`, async () => {
      const { ours, result, reference } = await runBoth(spacing, cls, sampler, steps);
      const plan = result.plan;
      expect(plan.timesteps.length).toBe(reference.schedule.timesteps.length);
      plan.timesteps.forEach((t, i) => {
        expect(Math.abs(t - reference.schedule.timesteps[i])).toBeLessThan(2e-3);
      });
      const sigmasToCompare =
        cls === 'ddim' || cls === 'ddpm' || cls === 'lcm' ? plan.timesteps.length : plan.sigmas.length;
      for (let i = 0; i < sigmasToCompare; i++) {
        expect(Math.abs(plan.sigmas[i] - reference.schedule.sigmas[i])).toBeLessThanOrEqual(
          1e-5 * reference.schedule.sigmas[i] + 2e-6,
        );
      }
      expect(plan.initNoiseSigma).toBeCloseTo(reference.schedule.init, 4);
      expect(ours.length).toBe(reference.latents.length);
      ours.forEach((x, i) => {
        expect(scaledError(x, reference.latents[i]), `step ${i}`).toBeLessThan(1e-5);
      });
    });
  }

  for (const [spacing, cls, sampler] of PAIRS.filter(([, c]) =>
    ['euler', 'heun', 'ddim', 'dpmpp_2m', 'ddpm'].includes(c),
  )) {
    it(`img2img (denoise 0.6) ${spacing} + ${sampler}: keeps the tail and adds noise at its first timestep`, async () => {
      const { ours, result, reference } = await runBoth(spacing, cls, sampler, 10, { strength: 0.6 });
      expect(result.plan.timesteps.length).toBe(6);
      expect(ours.length).toBe(reference.latents.length);
      ours.forEach((x, i) => {
        expect(scaledError(x, reference.latents[i]), `step ${i}`).toBeLessThan(1e-5);
      });
    });
  }

  it('DDIM ends at the final ᾱ = alphas_cumprod[0] (set_alpha_to_one false), the σ-space classes at σ = 0', async () => {
    const { result: ddim } = await runBoth('leading', 'ddim', 'ddim', 10);
    const a0 = (1 - 0.00085) as number;
    expect(ddim.plan.alphasCumprod[10]).toBeCloseTo(a0, 7);
    const { result: euler } = await runBoth('leading', 'euler', 'euler', 10);
    expect(euler.plan.sigmas[10]).toBe(0);
  });
});
