// Per-sampler schedule: each sampler re-derives timesteps and noise levels the way its diffusers
// class does for the chosen spacing (README, "Samplers and schedules"), then keeps the img2img tail.
import type { DenoiserConfig } from '../types.ts';
import { f32, roundHalfEven } from './numeric.ts';
import { isSpacing, type ScheduleSpec, sigmaSchedule, trainingTables } from './schedules.ts';
import { dpmTimesteps, karrasSigmas, sigmasAtTimesteps, sigmaToT, spacedTimesteps } from './spacing.ts';

export const SAMPLERS = [
  'euler',
  'euler_ancestral',
  'heun',
  'lms',
  'dpmpp_2m',
  'dpmpp_2m_sde',
  'ddpm',
  'ddim',
  'lcm',
  'langevin',
  'annealed_langevin',
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/** Coordinates a sampler works in: σ space x = x₀ + σ·n (k-diffusion), or α space x = √ᾱ·x₀ + √(1−ᾱ)·n. */
export type SamplerSpace = 'sigma' | 'alpha';

export function samplerSpace(sampler: SamplerName): SamplerSpace {
  return ['dpmpp_2m', 'dpmpp_2m_sde', 'ddpm', 'ddim', 'lcm'].includes(sampler) ? 'alpha' : 'sigma';
}

export interface SamplingPlan {
  /** Model timestep of each step. */
  timesteps: Float64Array;
  /** σ at each step boundary (steps + 1); the last is the final noise level. */
  sigmas: Float64Array;
  /** ᾱ at each step boundary (steps + 1), as the alpha-space classes index it. */
  alphasCumprod: Float64Array;
  /** Scale of seeded unit noise for a full-strength (txt2img) start. */
  initNoiseSigma: number;
  /** Model timestep of the final level, for samplers that evaluate there (Langevin at σ_final > 0). */
  finalTimestep?: number;
  /**
   * The plan stops inside a longer schedule at σ > 0 (an end step with the leftover noise kept): the
   * second-order samplers still take a full second-order last step, as k-diffusion's do when σ_next > 0.
   */
  endsMidSchedule?: boolean;
}

export interface PlanRequest extends ScheduleSpec {
  denoise: number;
}

/** Number of steps img2img keeps: diffusers' `int(num_inference_steps * strength)`. */
export function keptSteps(steps: number, denoise: number): number {
  return Math.min(Math.trunc(steps * denoise), steps);
}

export function planFor(sampler: SamplerName, config: DenoiserConfig, request: PlanRequest): SamplingPlan {
  const full = fullPlan(sampler, config, request);
  if (sampler === 'lcm' && request.scheduler === 'leading') return full; // LCM applies strength itself
  const start = request.steps - keptSteps(request.steps, request.denoise);
  if (start === 0) return full;
  return {
    timesteps: full.timesteps.slice(start),
    sigmas: full.sigmas.slice(start),
    alphasCumprod: full.alphasCumprod.slice(start),
    initNoiseSigma: full.initNoiseSigma,
    finalTimestep: full.finalTimestep,
  };
}

function fullPlan(sampler: SamplerName, config: DenoiserConfig, request: PlanRequest): SamplingPlan {
  const scheduler = request.scheduler;
  switch (sampler) {
    case 'ddpm':
    case 'ddim':
      if (isSpacing(scheduler)) return ddimFamilyPlan(sampler, config, request);
      return alphaFromSigmaPlan(config, request);
    case 'lcm':
      if (scheduler === 'leading') return lcmPlan(config, request.steps, request.denoise);
      return alphaFromSigmaPlan(config, request);
    case 'dpmpp_2m':
    case 'dpmpp_2m_sde':
      return dpmPlan(config, request);
    default:
      return eulerFamilyPlan(config, request);
  }
}

/** EulerDiscrete / EulerAncestral / Heun / LMS (all share set_timesteps and init_noise_sigma). */
function eulerFamilyPlan(config: DenoiserConfig, request: PlanRequest): SamplingPlan {
  const { timesteps, sigmas, finalTimestep } = sigmaSchedule(config, request);
  let sigmaMax = 0;
  for (const s of sigmas) sigmaMax = Math.max(sigmaMax, s);
  // diffusers: σ_max for linspace/trailing (and karras, which uses linspace), √(σ_max² + 1) for leading
  const initNoiseSigma =
    request.scheduler === 'leading' ? f32(Math.sqrt(f32(f32(sigmaMax * sigmaMax) + 1))) : sigmaMax;
  return { timesteps, sigmas, alphasCumprod: sigmas.map(alphaBarOfSigma), initNoiseSigma, finalTimestep };
}

function alphaBarOfSigma(sigma: number): number {
  return 1 / (1 + sigma * sigma);
}

function sigmaOfAlphaBar(alphaBar: number): number {
  return f32(Math.sqrt(f32(f32(1 - alphaBar) / alphaBar)));
}

/** DDPMScheduler (previous timestep = next in the list, ᾱ = 1 past the end) and DDIMScheduler (t − N//steps). */
function ddimFamilyPlan(
  sampler: 'ddpm' | 'ddim',
  config: DenoiserConfig,
  request: PlanRequest,
): SamplingPlan {
  const tables = trainingTables(config);
  const n = tables.alphasCumprod.length;
  const spacing = request.scheduler as 'leading' | 'trailing' | 'linspace';
  const timesteps = spacedTimesteps(spacing, request.steps, n, config.stepsOffset, true);
  const finalAlpha = sampler === 'ddpm' || config.setAlphaToOne ? 1 : tables.alphasCumprod[0];
  const ratio = Math.floor(n / request.steps);
  const alphas = new Float64Array(timesteps.length + 1);
  // leading + steps_offset can reach t = N for steps > N/2 (diffusers would index past the table): clamp
  const at = (t: number) => tables.alphasCumprod[Math.min(t, n - 1)];
  alphas[0] = at(timesteps[0]);
  for (let i = 0; i < timesteps.length; i++) {
    const prev =
      sampler === 'ddpm' ? (i + 1 < timesteps.length ? timesteps[i + 1] : -1) : timesteps[i] - ratio;
    alphas[i + 1] = prev >= 0 ? at(prev) : finalAlpha;
  }
  return { timesteps, sigmas: alphas.map(sigmaOfAlphaBar), alphasCumprod: alphas, initNoiseSigma: 1 };
}

/** Alpha-space sampler on a σ schedule the class has no spacing for: ᾱ = 1/(1 + σ²). */
function alphaFromSigmaPlan(config: DenoiserConfig, request: PlanRequest): SamplingPlan {
  const { timesteps, sigmas } = sigmaSchedule(config, request);
  return { timesteps, sigmas, alphasCumprod: sigmas.map(alphaBarOfSigma), initNoiseSigma: 1 };
}

/** LCMScheduler: `steps` of the 50-step distillation schedule t = k·i − 1 (k = N/50), evenly picked. */
export function lcmPlan(
  config: DenoiserConfig,
  steps: number,
  strength: number,
  originalSteps = 50,
): SamplingPlan {
  const tables = trainingTables(config);
  const n = tables.alphasCumprod.length;
  const k = Math.floor(n / originalSteps);
  const origin: number[] = [];
  for (let i = Math.trunc(originalSteps * strength); i >= 1; i--) origin.push(i * k - 1);
  if (steps > originalSteps || Math.floor(origin.length / steps) < 1) {
    throw new RangeError(
      `lcm takes at most ${Math.min(originalSteps, origin.length)} steps at this denoise (got ${steps})`,
    );
  }
  const timesteps = new Float64Array(steps);
  const stride = origin.length / steps; // np.linspace(0, len, steps, endpoint=False), floored
  for (let i = 0; i < steps; i++) timesteps[i] = origin[Math.floor(i * stride)];
  const alphas = new Float64Array(steps + 1);
  for (let i = 0; i < steps; i++) alphas[i] = tables.alphasCumprod[timesteps[i]];
  alphas[steps] = 1; // the last step returns the boundary-condition denoised sample itself
  return { timesteps, sigmas: alphas.map(sigmaOfAlphaBar), alphasCumprod: alphas, initNoiseSigma: 1 };
}

/** DPMSolverMultistepScheduler: steps + 1 spacing, final σ = 0 (final_sigmas_type "zero"), Karras with rounded t. */
function dpmPlan(config: DenoiserConfig, request: PlanRequest): SamplingPlan {
  const tables = trainingTables(config);
  const n = tables.sigmas.length;
  let timesteps: Float64Array;
  let levels: Float64Array;
  if (isSpacing(request.scheduler)) {
    timesteps = dpmTimesteps(request.scheduler, request.steps, n, config.stepsOffset);
    levels = sigmasAtTimesteps(timesteps, tables.sigmas);
  } else if (request.scheduler === 'karras' && !request.sigmaMin && !request.sigmaMax) {
    levels = karrasSigmas(request.steps, tables.sigmas[0], tables.sigmas[n - 1]);
    timesteps = levels.map((s) => roundHalfEven(sigmaToT(s, tables.logSigmas)));
  } else {
    const schedule = sigmaSchedule(config, request);
    return { ...schedule, alphasCumprod: schedule.sigmas.map(alphaBarOfSigma), initNoiseSigma: 1 };
  }
  const sigmas = new Float64Array(levels.length + 1);
  for (let i = 0; i < levels.length; i++) sigmas[i] = f32(levels[i]);
  return { timesteps, sigmas, alphasCumprod: sigmas.map(alphaBarOfSigma), initNoiseSigma: 1 };
}

/**
 * The plan as the diffusers class stores `timesteps` and `sigmas`: HeunDiscreteScheduler repeats every
 * interior entry (t = [t0, t1, t1, …], σ = [σ0, σ1, σ1, …, σ_final]); the others store them as planned
 * (the α-space classes keep no σ table: their σ here are √((1−ᾱ)/ᾱ) at each boundary).
 */
export function diffusersArrays(
  sampler: SamplerName,
  plan: SamplingPlan,
): { timesteps: number[]; sigmas: number[] } {
  const timesteps = Array.from(plan.timesteps);
  const sigmas = Array.from(plan.sigmas);
  if (sampler !== 'heun') return { timesteps, sigmas };
  return {
    timesteps: [timesteps[0], ...timesteps.slice(1).flatMap((t) => [t, t])],
    sigmas: [sigmas[0], ...sigmas.slice(1, -1).flatMap((s) => [s, s]), sigmas[sigmas.length - 1]],
  };
}
