// A part of a schedule's steps, as ComfyUI's KSamplerAdvanced runs it (comfy/samplers.py, KSampler.sample):
// the boundaries are cut to [0, end] first (end < steps), the last one is set to σ = 0 unless the noise
// left at `end` is to be kept, then the steps before `start` are dropped.
import type { SamplingPlan } from './plan.ts';

export interface StepRange {
  /** First step to run (0 = from the start). */
  start: number;
  /** Step to stop at (≥ steps = run to the end). */
  end: number;
  /** Keep the noise left at `end` (ComfyUI's return_with_leftover_noise); else the last boundary is σ = 0. */
  leftoverNoise: boolean;
}

/** True when the range changes nothing: all steps run to the end. */
export function isWholeRange(range: StepRange | undefined, steps: number): boolean {
  return !range || (range.start <= 0 && range.end >= steps);
}

/** The plan restricted to the range; no step left gives an empty plan (the latent passes unchanged). */
export function planInRange(plan: SamplingPlan, range: StepRange): SamplingPlan {
  const steps = plan.timesteps.length;
  let timesteps = plan.timesteps;
  let sigmas = plan.sigmas;
  let alphasCumprod = plan.alphasCumprod;
  let cut: Partial<SamplingPlan> = {};
  if (range.end < steps) {
    timesteps = timesteps.slice(0, range.end);
    sigmas = sigmas.slice(0, range.end + 1);
    alphasCumprod = alphasCumprod.slice(0, range.end + 1);
    if (!range.leftoverNoise) {
      sigmas[sigmas.length - 1] = 0;
      alphasCumprod[alphasCumprod.length - 1] = 1;
    } else {
      cut = { finalTimestep: plan.timesteps[range.end], endsMidSchedule: true };
    }
  }
  const start = Math.min(Math.max(range.start, 0), timesteps.length);
  return {
    ...plan,
    ...cut,
    timesteps: timesteps.slice(start),
    sigmas: start >= timesteps.length ? sigmas.slice(0, 0) : sigmas.slice(start),
    alphasCumprod: start >= timesteps.length ? alphasCumprod.slice(0, 0) : alphasCumprod.slice(start),
  };
}
