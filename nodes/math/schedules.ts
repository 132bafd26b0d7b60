// Noise levels for every `NoiseSchedule.scheduler` value. The three timestep spacings follow
// diffusers' EulerDiscreteScheduler; the others follow k-diffusion / ComfyUI (karras, exponential,
// sgm_uniform, simple, ddim_uniform, normal) and Song & Ermon 2019 (geometric). Each sampler then
// re-derives its own diffusers class's variant of the schedule in plan.ts.
import type { DenoiserConfig } from '../types.ts';
import { alphasCumprodFor, logSigmasF32, trainingSigmas } from './betas.ts';
import { f32, interpOnIndex, torchLinspaceF32 } from './numeric.ts';
import {
  geometricSigmas,
  karrasSigmas,
  type Spacing,
  sigmasAtTimesteps,
  sigmaToT,
  spacedTimesteps,
} from './spacing.ts';

export const SCHEDULERS = [
  'leading',
  'trailing',
  'linspace',
  'karras',
  'exponential',
  'sgm_uniform',
  'simple',
  'ddim_uniform',
  'normal',
  'geometric',
] as const;
export type SchedulerName = (typeof SCHEDULERS)[number];

export function isSpacing(name: string): name is Spacing {
  return name === 'leading' || name === 'trailing' || name === 'linspace';
}

/** What NoiseSchedule asks for; sigma bounds of 0/undefined mean "the model's own". */
export interface ScheduleSpec {
  scheduler: SchedulerName;
  steps: number;
  sigmaMin?: number;
  sigmaMax?: number;
}

/** The model's training tables, computed once per config. */
export interface TrainingTables {
  alphasCumprod: Float64Array;
  sigmas: Float64Array;
  logSigmas: Float64Array;
}

const tableCache = new Map<string, TrainingTables>();

export function trainingTables(config: DenoiserConfig): TrainingTables {
  const key = `${config.betaSchedule}:${config.betaStart}:${config.betaEnd}:${config.numTrainTimesteps}`;
  let tables = tableCache.get(key);
  if (!tables) {
    const alphasCumprod = alphasCumprodFor(config);
    const sigmas = trainingSigmas(alphasCumprod);
    tables = { alphasCumprod, sigmas, logSigmas: logSigmasF32(sigmas) };
    tableCache.set(key, tables);
  }
  return tables;
}

/** A full-length schedule in σ space: n timesteps and n + 1 noise levels (the last one the final level). */
export interface SigmaSchedule {
  timesteps: Float64Array;
  sigmas: Float64Array;
  /** Model timestep of the final noise level (used when sampling stops at a σ > 0). */
  finalTimestep: number;
}

/** Sigma-space schedule as EulerDiscreteScheduler (or k-diffusion) builds it, float32 values. */
export function sigmaSchedule(config: DenoiserConfig, spec: ScheduleSpec): SigmaSchedule {
  const tables = trainingTables(config);
  const n = tables.sigmas.length;
  const lo = spec.sigmaMin || tables.sigmas[0];
  const hi = spec.sigmaMax || tables.sigmas[n - 1];
  if (isSpacing(spec.scheduler)) {
    const timesteps = spacedTimesteps(spec.scheduler, spec.steps, n, config.stepsOffset);
    return { timesteps, sigmas: withFinal(sigmasAtTimesteps(timesteps, tables.sigmas), 0), finalTimestep: 0 };
  }
  let levels: Float64Array;
  let final = 0;
  switch (spec.scheduler) {
    case 'karras':
      levels = karrasSigmas(spec.steps, lo, hi);
      break;
    case 'exponential':
      levels = geometricSigmas(spec.steps, lo, hi);
      break;
    case 'geometric':
      // NCSN: the noise levels themselves; sampling ends at the smallest one (no jump to σ = 0)
      levels = geometricSigmas(spec.steps + 1, lo, hi);
      final = levels[spec.steps];
      levels = levels.subarray(0, spec.steps);
      break;
    case 'simple':
      levels = simpleSigmas(spec.steps, tables.sigmas);
      break;
    case 'ddim_uniform':
      levels = ddimUniformSigmas(spec.steps, tables.sigmas);
      break;
    case 'normal':
      levels = normalSigmas(spec.steps, tables.logSigmas, false);
      break;
    case 'sgm_uniform':
      levels = normalSigmas(spec.steps, tables.logSigmas, true);
      break;
  }
  const timesteps = Float64Array.from(levels, (s) => f32(sigmaToT(s, tables.logSigmas)));
  return {
    timesteps,
    sigmas: withFinal(levels, final),
    finalTimestep: f32(sigmaToT(final, tables.logSigmas)),
  };
}

function withFinal(levels: Float64Array, final: number): Float64Array {
  const out = new Float64Array(levels.length + 1);
  for (let i = 0; i < levels.length; i++) out[i] = f32(levels[i]);
  out[levels.length] = f32(final);
  return out;
}

/** ComfyUI's `simple`: every (N/steps)-th training σ from the top. */
function simpleSigmas(steps: number, sigmas: Float64Array): Float64Array {
  const stride = sigmas.length / steps;
  return Float64Array.from({ length: steps }, (_, x) => sigmas[sigmas.length - 1 - Math.floor(x * stride)]);
}

/** ComfyUI's `ddim_uniform`: training σ at t = 1, 1 + k, 1 + 2k, … (k = N // steps), noisiest first. */
function ddimUniformSigmas(steps: number, sigmas: Float64Array): Float64Array {
  const stride = Math.max(Math.floor(sigmas.length / steps), 1);
  const picked: number[] = [];
  for (let x = 1; x < sigmas.length; x += stride) picked.push(sigmas[x]);
  return Float64Array.from(picked.reverse());
}

/** ComfyUI's `normal` (timesteps evenly spaced, σ log-interpolated) and `sgm_uniform` (steps + 1 points, last dropped). */
function normalSigmas(steps: number, logSigmas: Float64Array, sgm: boolean): Float64Array {
  const last = logSigmas.length - 1;
  const ts = sgm ? torchLinspaceF32(last, 0, steps + 1).subarray(0, steps) : torchLinspaceF32(last, 0, steps);
  return ts.map((t) => Math.exp(interpOnIndex(t, logSigmas)));
}
