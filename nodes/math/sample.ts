// The sampling driver behind the Sampler node: plans the schedule for the chosen sampler, starts
// from seeded noise (txt2img / img2img as diffusers' pipelines do) or from an already-noisy latent,
// runs the sampler loop, reports progress with previews and honours cancellation between steps.
import { NodeInputError, type PreviewImage } from '../api.ts';
import type { Conditioning, Denoiser, Latent, Schedule } from '../types.ts';
import { GuidedModel } from './guidance.ts';
import { BatchNoise } from './noise.ts';
import { f32 } from './numeric.ts';
import { planFor, type SamplerName, type SamplingPlan, samplerSpace } from './plan.ts';
import { latentPreview } from './preview.ts';
import type { SamplerContext } from './sampler-context.ts';
import { sampleDdim, sampleDdpm, sampleLcm } from './samplers-alpha.ts';
import { sampleDpmpp2m } from './samplers-dpm.ts';
import { sampleLangevin } from './samplers-langevin.ts';
import { sampleLms } from './samplers-lms.ts';
import { sampleEuler, sampleEulerAncestral, sampleHeun } from './samplers-sigma.ts';
import type { SchedulerName } from './schedules.ts';
import { isWholeRange, planInRange, type StepRange } from './step-range.ts';

export interface SampleOptions {
  denoiser: Denoiser;
  schedule: Schedule;
  latent: Latent;
  sampler: SamplerName;
  cfg: number;
  seed: number;
  eta: number;
  /** true: add seeded noise (txt2img / img2img); false: the latent is already noisy. */
  addNoise: boolean;
  /** When the schedule stops early: keep the noise left there (else the last step denoises fully). */
  leftoverNoise?: boolean;
  positive?: Conditioning;
  negative?: Conditioning;
  langevinSteps?: number;
  langevinStepSize?: number;
  signal?: AbortSignal;
  /** Steps between preview images (the last step always has one). */
  previewEvery?: number;
  onProgress?(step: number, total: number, preview?: PreviewImage): void;
  /** The latent after each step (the live buffer: copy it to keep it). */
  onLatent?(step: number, x: Float32Array): void;
}

export interface SampleResult {
  latent: Latent;
  plan: SamplingPlan;
  /** Batch size of every model call made. */
  modelCalls: number[];
}

const LOOPS: Record<SamplerName, (ctx: SamplerContext) => Promise<void>> = {
  euler: sampleEuler,
  euler_ancestral: sampleEulerAncestral,
  heun: sampleHeun,
  lms: sampleLms,
  dpmpp_2m: (ctx) => sampleDpmpp2m(ctx, false),
  dpmpp_2m_sde: (ctx) => sampleDpmpp2m(ctx, true),
  ddpm: sampleDdpm,
  ddim: sampleDdim,
  lcm: sampleLcm,
  langevin: (ctx) => sampleLangevin(ctx, 1),
  annealed_langevin: (ctx) => sampleLangevin(ctx, ctx.langevinSteps),
};

export function planForSchedule(sampler: SamplerName, denoiser: Denoiser, schedule: Schedule): SamplingPlan {
  let plan: SamplingPlan;
  try {
    plan = planFor(sampler, denoiser.config, {
      scheduler: schedule.scheduler as SchedulerName,
      steps: schedule.steps,
      denoise: schedule.denoise,
      sigmaMin: schedule.sigmaMin,
      sigmaMax: schedule.sigmaMax,
    });
  } catch (error) {
    throw new NodeInputError('schedule', (error as Error).message);
  }
  if (plan.timesteps.length === 0) {
    throw new NodeInputError(
      'schedule',
      `denoise ${schedule.denoise} of ${schedule.steps} steps leaves no step to run`,
    );
  }
  return plan;
}

/** The schedule's step range (start/end step) with the sampler's leftover-noise choice. */
function stepRange(options: SampleOptions): StepRange {
  const { startStep, endStep } = options.schedule;
  return {
    start: startStep ?? 0,
    end: endStep ?? Number.POSITIVE_INFINITY,
    leftoverNoise: !!options.leftoverNoise,
  };
}

export async function sample(options: SampleOptions): Promise<SampleResult> {
  const { denoiser, latent, sampler, signal } = options;
  signal?.throwIfAborted();
  const full = planForSchedule(sampler, denoiser, options.schedule);
  const range = stepRange(options);
  const whole = isWholeRange(range, full.timesteps.length);
  const plan = whole ? full : planInRange(full, range);
  const shape = latent.shape;
  const x = Float32Array.from(latent.data);
  // ComfyUI hands the latent back untouched when the range holds no step.
  if (plan.timesteps.length === 0) return { latent: { data: x, shape: [...shape] }, plan, modelCalls: [] };
  if (
    !Number.isSafeInteger(options.seed) ||
    options.seed < 0 ||
    !Number.isSafeInteger(options.seed + shape[0] - 1)
  ) {
    throw new NodeInputError(
      'seed',
      `seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER - shape[0] + 1} for a batch of ${shape[0]}`,
    );
  }
  const noise = new BatchNoise(options.seed, shape[0]);
  await startingPoint(x, latent.data, plan, sampler, { ...options, fromStart: range.start <= 0 }, noise);
  const model = new GuidedModel({ ...options, shape });
  const every = options.previewEvery ?? 3;
  const ctx: SamplerContext = {
    x,
    plan,
    model,
    predictionType: denoiser.config.predictionType,
    noise,
    eta: options.eta,
    langevinSteps: options.langevinSteps ?? 10,
    langevinStepSize: options.langevinStepSize ?? 0.5,
    step(index, total, denoised) {
      const done = index + 1;
      const preview = done % every === 0 || done === total ? latentPreview(denoised, shape) : undefined;
      options.onProgress?.(done, total, preview);
      options.onLatent?.(done, x);
      signal?.throwIfAborted(); // before the next model call
    },
  };
  await LOOPS[sampler](ctx);
  if (!whole) toWireScale(x, plan, sampler);
  return { latent: { data: x, shape: [...shape] }, plan, modelCalls: model.calls };
}

/**
 * A latent that still holds noise leaves in the wire's α-space form √ᾱ·x₀ + √(1−ᾱ)·n (as AddNoise
 * makes it), so a Sampler without add_noise continues it: σ-space x = x₀ + σ·n is divided by √(σ² + 1).
 */
function toWireScale(x: Float32Array, plan: SamplingPlan, sampler: SamplerName): void {
  const sigma = plan.sigmas[plan.sigmas.length - 1];
  if (samplerSpace(sampler) !== 'sigma' || !(sigma > 0)) return;
  const scale = f32(Math.sqrt(f32(f32(sigma * sigma) + 1)));
  for (let k = 0; k < x.length; k++) x[k] = x[k] / scale;
}

/**
 * The sampler's first x. add_noise with a full-strength schedule: latent + z·init_noise_sigma (the
 * txt2img pipelines). add_noise with denoise < 1 or a later start step: the class's add_noise at
 * the first timestep (img2img). No add_noise: the latent is √ᾱ·x₀ + √(1−ᾱ)·n at the first level (what AddNoise
 * makes), rescaled to x₀ + σ·n for σ-space samplers.
 */
async function startingPoint(
  x: Float32Array,
  latent: Float32Array,
  plan: SamplingPlan,
  sampler: SamplerName,
  options: SampleOptions & { fromStart: boolean },
  noise: BatchNoise,
): Promise<void> {
  const sigma = plan.sigmas[0];
  const space = samplerSpace(sampler);
  if (!options.addNoise) {
    if (space === 'sigma') {
      const scale = f32(Math.sqrt(f32(f32(sigma * sigma) + 1)));
      for (let k = 0; k < x.length; k++) x[k] = latent[k] * scale;
    }
    return;
  }
  // The one noise draw as large as the whole latent: in chunks a cancel can interrupt.
  const z = await noise.fillInterruptibly(new Float32Array(x.length), options.signal);
  if (options.schedule.denoise >= 1 && options.fromStart) {
    const scale = f32(plan.initNoiseSigma);
    for (let k = 0; k < x.length; k++) x[k] = latent[k] + f32(z[k] * scale);
    return;
  }
  if (space === 'sigma') {
    for (let k = 0; k < x.length; k++) x[k] = latent[k] + f32(z[k] * sigma);
    return;
  }
  const [a, s] = alphaSpaceScales(sampler, plan);
  for (let k = 0; k < x.length; k++) x[k] = f32(a * latent[k]) + f32(s * z[k]);
}

/** √ᾱ and √(1−ᾱ) at the first step as each class's add_noise computes them. */
function alphaSpaceScales(sampler: SamplerName, plan: SamplingPlan): [number, number] {
  if (sampler === 'dpmpp_2m' || sampler === 'dpmpp_2m_sde') {
    const sigma = plan.sigmas[0];
    const alpha = f32(1 / f32(Math.sqrt(f32(f32(sigma * sigma) + 1))));
    return [alpha, f32(sigma * alpha)];
  }
  const alphaBar = plan.alphasCumprod[0];
  return [f32(Math.sqrt(alphaBar)), f32(Math.sqrt(f32(1 - alphaBar)))];
}
