// σ-space samplers, step for step as diffusers' EulerDiscrete, EulerAncestralDiscrete and HeunDiscrete
// schedulers (Karras et al. 2022 Alg. 1/2; k-diffusion; LMS is in samplers-lms.ts). Coefficients in
// float32 like torch; per-element work in float64, stored as float32. Element loops live in small synchronous
// functions: V8 optimizes those after a call or two, while a loop inside the async sampler (run
// once per graph run) stayed in the interpreter and cost several times more.
import type { GuidanceParts } from './guidance.ts';
import { denoisedSigma, guidedAt } from './prediction.ts';
import { buffers, denoiseAtSigma, inputScale, type SamplerContext } from './sampler-context.ts';

// ε-prediction steps combine guidance, convert the model output and step in one pass: ε̂ and
// D = x − σ·ε̂ are rounded to float32 exactly as when stored and read back, so the result is the
// same as the separate passes.

function epsilonEulerUpdate(
  x: Float32Array,
  parts: GuidanceParts,
  sigma: number,
  ratio: number,
  denoised: Float32Array,
): void {
  const { uncond, cond, cfg } = parts;
  for (let k = 0; k < x.length; k++) {
    const d = Math.fround(x[k] - sigma * guidedAt(uncond, cond, cfg, k));
    denoised[k] = d;
    x[k] = x[k] + (x[k] - d) * ratio;
  }
}

/** epsilonEulerUpdate to σ_down plus σ_up·noise (σ_up > 0; no branch in the loop, which V8 would not hoist). */
function epsilonAncestralUpdate(
  x: Float32Array,
  parts: GuidanceParts,
  sigma: number,
  denoised: Float32Array,
  noise: Float32Array,
  ratio: number,
  sigmaUp: number,
): void {
  const { uncond, cond, cfg } = parts;
  for (let k = 0; k < x.length; k++) {
    const d = Math.fround(x[k] - sigma * guidedAt(uncond, cond, cfg, k));
    denoised[k] = d;
    x[k] = x[k] + (x[k] - d) * ratio + noise[k] * sigmaUp;
  }
}

function eulerUpdate(x: Float32Array, denoised: Float32Array, ratio: number): void {
  for (let k = 0; k < x.length; k++) x[k] = x[k] + (x[k] - denoised[k]) * ratio;
}

/** Euler step to σ_down, plus σ_up·noise when σ_up > 0. */
function ancestralUpdate(
  x: Float32Array,
  denoised: Float32Array,
  noise: Float32Array,
  ratio: number,
  sigmaUp: number,
): void {
  for (let k = 0; k < x.length; k++) {
    const stepped = x[k] + (x[k] - denoised[k]) * ratio;
    x[k] = sigmaUp > 0 ? stepped + noise[k] * sigmaUp : stepped;
  }
}

/** Heun's predictor: d = (x − D)/σ and x + d·dt. */
function heunPredict(
  x: Float32Array,
  denoised: Float32Array,
  sigma: number,
  dt: number,
  derivative: Float32Array,
  predicted: Float32Array,
): void {
  for (let k = 0; k < x.length; k++) {
    derivative[k] = (x[k] - denoised[k]) / sigma;
    predicted[k] = x[k] + derivative[k] * dt;
  }
}

/** heunPredict with D = x − σ·ε̂ (stored in `denoised`) computed from the guidance parts in the same pass. */
function epsilonHeunPredict(
  x: Float32Array,
  parts: GuidanceParts,
  sigma: number,
  dt: number,
  denoised: Float32Array,
  derivative: Float32Array,
  predicted: Float32Array,
): void {
  const { uncond, cond, cfg } = parts;
  for (let k = 0; k < x.length; k++) {
    const xk = x[k];
    const d = Math.fround(xk - sigma * guidedAt(uncond, cond, cfg, k));
    denoised[k] = d;
    const slope = Math.fround((xk - d) / sigma);
    derivative[k] = slope;
    predicted[k] = xk + slope * dt;
  }
}

/** heunCorrect with D₂ = x̃ − σ_next·ε̂ (stored in `denoised`) computed from the guidance parts. */
function epsilonHeunCorrect(
  x: Float32Array,
  predicted: Float32Array,
  parts: GuidanceParts,
  derivative: Float32Array,
  next: number,
  dt: number,
  denoised: Float32Array,
): void {
  const { uncond, cond, cfg } = parts;
  for (let k = 0; k < x.length; k++) {
    const p = predicted[k];
    const d = Math.fround(p - next * guidedAt(uncond, cond, cfg, k));
    denoised[k] = d;
    const mean = (derivative[k] + (p - d) / next) / 2;
    x[k] = x[k] + mean * dt;
  }
}

/** Heun's corrector: x + mean(d, d₂)·dt with d₂ at the predicted point. */
function heunCorrect(
  x: Float32Array,
  predicted: Float32Array,
  denoised: Float32Array,
  derivative: Float32Array,
  next: number,
  dt: number,
): void {
  for (let k = 0; k < x.length; k++) {
    const d2 = (predicted[k] - denoised[k]) / next;
    const mean = (derivative[k] + d2) / 2;
    x[k] = x[k] + mean * dt;
  }
}

/** Euler: x ← x + (x − D)/σ · (σ_next − σ). */
export async function sampleEuler(ctx: SamplerContext): Promise<void> {
  const { x, plan } = ctx;
  const [denoised] = buffers(x.length, 1);
  const n = plan.timesteps.length;
  for (let i = 0; i < n; i++) {
    const sigma = plan.sigmas[i];
    const scale = inputScale(sigma);
    const dt = Math.fround(plan.sigmas[i + 1] - sigma);
    const ratio = dt / sigma; // derivative (x − D)/σ times dt, as one multiply
    if (ctx.predictionType === 'epsilon') {
      const parts = await ctx.model.predictParts(x, plan.timesteps[i], scale);
      epsilonEulerUpdate(x, parts, sigma, ratio, denoised);
    } else {
      const out = await ctx.model.predict(x, plan.timesteps[i], scale);
      eulerUpdate(x, denoisedSigma(out, x, sigma, ctx.predictionType, denoised), ratio);
    }
    ctx.step(i, n, denoised);
  }
}

/** Euler ancestral: step down to σ_down, then add fresh noise of std σ_up. */
export async function sampleEulerAncestral(ctx: SamplerContext): Promise<void> {
  const { x, plan } = ctx;
  const [denoised, noise] = buffers(x.length, 2);
  const n = plan.timesteps.length;
  for (let i = 0; i < n; i++) {
    const from = plan.sigmas[i];
    const to = plan.sigmas[i + 1];
    const timestep = plan.timesteps[i];
    const to2 = Math.fround(to * to);
    const from2 = Math.fround(from * from);
    const sigmaUp = Math.fround(Math.sqrt(Math.fround(Math.fround(to2 * Math.fround(from2 - to2)) / from2)));
    const sigmaDown = Math.fround(Math.sqrt(Math.fround(to2 - Math.fround(sigmaUp * sigmaUp))));
    const ratio = Math.fround(sigmaDown - from) / from;
    if (sigmaUp > 0) ctx.noise.fill(noise);
    if (ctx.predictionType === 'epsilon') {
      const parts = await ctx.model.predictParts(x, timestep, inputScale(from));
      if (sigmaUp > 0) epsilonAncestralUpdate(x, parts, from, denoised, noise, ratio, sigmaUp);
      else epsilonEulerUpdate(x, parts, from, ratio, denoised);
    } else {
      const out = await ctx.model.predict(x, timestep, inputScale(from));
      ancestralUpdate(x, denoisedSigma(out, x, from, ctx.predictionType, denoised), noise, ratio, sigmaUp);
    }
    ctx.step(i, n, denoised);
  }
}

/**
 * Heun (2nd order): Euler predictor, trapezoid corrector; the last step to σ = 0 is plain Euler (a plan
 * cut at σ > 0 corrects its last step too, as k-diffusion's sample_heun does).
 */
export async function sampleHeun(ctx: SamplerContext): Promise<void> {
  const { x, plan } = ctx;
  const [denoised, derivative, predicted] = buffers(x.length, 3);
  const fused = ctx.predictionType === 'epsilon';
  const n = plan.timesteps.length;
  for (let i = 0; i < n; i++) {
    const sigma = plan.sigmas[i];
    const next = plan.sigmas[i + 1];
    const dt = Math.fround(next - sigma);
    if (fused) {
      const parts = await ctx.model.predictParts(x, plan.timesteps[i], inputScale(sigma));
      epsilonHeunPredict(x, parts, sigma, dt, denoised, derivative, predicted);
    } else {
      await denoiseAtSigma(ctx, x, sigma, plan.timesteps[i], denoised);
      heunPredict(x, denoised, sigma, dt, derivative, predicted);
    }
    const nextTimestep = i < n - 1 ? plan.timesteps[i + 1] : plan.finalTimestep;
    if (nextTimestep === undefined || (i === n - 1 && !plan.endsMidSchedule)) {
      x.set(predicted);
    } else if (fused) {
      const parts = await ctx.model.predictParts(predicted, nextTimestep, inputScale(next));
      epsilonHeunCorrect(x, predicted, parts, derivative, next, dt, denoised);
    } else {
      await denoiseAtSigma(ctx, predicted, next, nextTimestep, denoised);
      heunCorrect(x, predicted, denoised, derivative, next, dt);
    }
    ctx.step(i, n, denoised);
  }
}
