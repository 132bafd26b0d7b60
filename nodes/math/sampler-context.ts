// What every sampler loop receives. Samplers update `x` in place; buffers are allocated once per run.
import type { PredictionType } from '../types.ts';
import type { GuidanceParts } from './guidance.ts';
import type { SamplingPlan } from './plan.ts';
import { denoisedSigma } from './prediction.ts';

export interface SamplerContext {
  /** The latent being sampled, in the sampler's coordinates (see plan.ts `samplerSpace`). */
  x: Float32Array;
  plan: SamplingPlan;
  /**
   * Guided raw model output for the model input `input`·`inputScale` (each product rounded to
   * float32) at a timestep; the returned buffer is reused between calls.
   */
  model: {
    predict(input: Float32Array, timestep: number, inputScale?: number): Promise<Float32Array>;
    /** The same call, with the guidance combine left to the sampler's own pass. */
    predictParts(input: Float32Array, timestep: number, inputScale?: number): Promise<GuidanceParts>;
  };
  predictionType: PredictionType;
  /** Fresh standard normal noise for stochastic steps, per batch item's own stream. */
  noise: { fill(out: Float32Array): Float32Array };
  /** DDIM's η (0 = deterministic). */
  eta: number;
  /** Langevin samplers: steps per noise level and step size relative to σ². */
  langevinSteps: number;
  langevinStepSize: number;
  /** After each step: progress, preview of `denoised`, cancellation (throws). */
  step(index: number, total: number, denoised: Float32Array): void;
}

/** Model input scaling of the σ-space schedulers, x / √(σ² + 1): the factor 1/scale, scale in float32. */
export function inputScale(sigma: number): number {
  const scale = Math.fround(Math.sqrt(Math.fround(Math.fround(sigma * sigma) + 1)));
  return 1 / scale;
}

/** Scratch buffers of one latent's size. */
export function buffers(size: number, count: number): Float32Array[] {
  return Array.from({ length: count }, () => new Float32Array(size));
}

/**
 * Evaluate D(x, σ) in σ space: call the model on the scaled input at `timestep` (the scaling is
 * fused into the copy the model call makes anyway), convert its output.
 */
export async function denoiseAtSigma(
  ctx: SamplerContext,
  x: Float32Array,
  sigma: number,
  timestep: number,
  dst: Float32Array,
): Promise<Float32Array> {
  const out = await ctx.model.predict(x, timestep, inputScale(sigma));
  return denoisedSigma(out, x, sigma, ctx.predictionType, dst);
}
