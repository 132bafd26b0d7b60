// α-space samplers as diffusers' DDPMScheduler (Ho et al. 2020, Alg. 2, fixed_small variance),
// DDIMScheduler (Song et al. 2021, η) and LCMScheduler (Luo et al. 2023, boundary-condition
// scalings); coefficients in float32 like torch. x = √ᾱ·x₀ + √(1−ᾱ)·n; the model sees x unscaled.
import type { GuidanceParts } from './guidance.ts';
import { denoisedAlpha, guidedAt } from './prediction.ts';
import { buffers, type SamplerContext } from './sampler-context.ts';

const sqrt32 = (v: number) => Math.fround(Math.sqrt(v));

// Element loops live in synchronous functions, which V8 optimizes quickly (see samplers-sigma.ts).

/** x ← a·p + b·q (+ std·noise when `noisy`). */
function combine(
  x: Float32Array,
  a: number,
  p: Float32Array,
  b: number,
  q: Float32Array,
  std: number,
  noise: Float32Array,
  noisy: boolean,
): void {
  for (let k = 0; k < x.length; k++) {
    const mean = a * p[k] + b * q[k];
    x[k] = noisy ? mean + std * noise[k] : mean;
  }
}

/**
 * ε-prediction in one pass: ε̂ from the guidance parts, x̂₀ = (x − s·ε̂)/a, rounded to float32 as when stored (kept in `x0`),
 * then x ← cX0·x̂₀ + cQ·q (+ std·noise when `noisy`) with q = x (DDPM) or ε̂ (DDIM); the same
 * numbers as converting first and combining after.
 */
function epsilonStep(
  x: Float32Array,
  parts: GuidanceParts,
  scales: { a: number; s: number; cX0: number; cQ: number; qIsX: boolean },
  x0: Float32Array,
  std: number,
  noise: Float32Array,
  noisy: boolean,
): void {
  const { a, s, cX0, cQ, qIsX } = scales;
  const { uncond, cond, cfg } = parts;
  for (let k = 0; k < x.length; k++) {
    const eps = guidedAt(uncond, cond, cfg, k);
    const estimate = Math.fround((x[k] - s * eps) / a);
    x0[k] = estimate;
    const mean = cX0 * estimate + cQ * (qIsX ? x[k] : eps);
    x[k] = noisy ? mean + std * noise[k] : mean;
  }
}

// The hot cases get branch-free copies of epsilonStep (V8 does not hoist a loop-invariant test out
// of a loop, and it cost up to half the pass); the same arithmetic in the same order.

/** epsilonStep for DDPM's noisy steps: q = x, noise always added. */
function epsilonDdpmStep(
  x: Float32Array,
  parts: GuidanceParts,
  scales: { a: number; s: number; cX0: number; cQ: number },
  x0: Float32Array,
  std: number,
  noise: Float32Array,
): void {
  const { a, s, cX0, cQ } = scales;
  const { uncond, cond, cfg } = parts;
  for (let k = 0; k < x.length; k++) {
    const xk = x[k];
    const estimate = Math.fround((xk - s * guidedAt(uncond, cond, cfg, k)) / a);
    x0[k] = estimate;
    x[k] = cX0 * estimate + cQ * xk + std * noise[k];
  }
}

/** epsilonStep for deterministic DDIM (η = 0): q = ε̂, no noise. */
function epsilonDdimStep(
  x: Float32Array,
  parts: GuidanceParts,
  scales: { a: number; s: number; cX0: number; cQ: number },
  x0: Float32Array,
): void {
  const { a, s, cX0, cQ } = scales;
  const { uncond, cond, cfg } = parts;
  for (let k = 0; k < x.length; k++) {
    const eps = guidedAt(uncond, cond, cfg, k);
    const estimate = Math.fround((x[k] - s * eps) / a);
    x0[k] = estimate;
    x[k] = cX0 * estimate + cQ * eps;
  }
}

/** DDPM ancestral step: posterior mean of q(x_{t'} | x_t, x₀) plus fresh noise z of variance β̃. */
export async function sampleDdpm(ctx: SamplerContext): Promise<void> {
  const { x, plan } = ctx;
  const [x0, noise] = buffers(x.length, 2);
  const n = plan.timesteps.length;
  for (let i = 0; i < n; i++) {
    const alpha = plan.alphasCumprod[i];
    const alphaPrev = plan.alphasCumprod[i + 1];
    const beta = Math.fround(1 - alpha);
    const betaPrev = Math.fround(1 - alphaPrev);
    const currentAlpha = Math.fround(alpha / alphaPrev);
    const currentBeta = Math.fround(1 - currentAlpha);
    const cX0 = Math.fround(Math.fround(sqrt32(alphaPrev) * currentBeta) / beta);
    const cX = Math.fround(Math.fround(sqrt32(currentAlpha) * betaPrev) / beta);
    const noisy = plan.timesteps[i] > 0;
    const std = sqrt32(Math.max(Math.fround(Math.fround(betaPrev / beta) * currentBeta), 1e-20));
    if (noisy) ctx.noise.fill(noise);
    if (ctx.predictionType === 'epsilon') {
      const scales = { a: sqrt32(alpha), s: sqrt32(beta), cX0, cQ: cX, qIsX: true };
      const parts = await ctx.model.predictParts(x, plan.timesteps[i]);
      if (noisy) epsilonDdpmStep(x, parts, scales, x0, std, noise);
      else epsilonStep(x, parts, scales, x0, std, noise, false);
    } else {
      const out = await ctx.model.predict(x, plan.timesteps[i]);
      denoisedAlpha(out, x, sqrt32(alpha), sqrt32(beta), ctx.predictionType, x0);
      combine(x, cX0, x0, cX, x, std, noise, noisy);
    }
    ctx.step(i, n, x0);
  }
}

/** DDIM: x_{t'} = √ᾱ'·x̂₀ + √(1−ᾱ'−σ²)·ε̂ + σ·z with σ = η·√(β̃). */
export async function sampleDdim(ctx: SamplerContext): Promise<void> {
  const { x, plan } = ctx;
  const [x0, eps, noise] = buffers(x.length, 3);
  const n = plan.timesteps.length;
  for (let i = 0; i < n; i++) {
    const alpha = plan.alphasCumprod[i];
    const alphaPrev = plan.alphasCumprod[i + 1];
    const beta = Math.fround(1 - alpha);
    const betaPrev = Math.fround(1 - alphaPrev);
    const variance = Math.fround(
      Math.fround(betaPrev / beta) * Math.fround(1 - Math.fround(alpha / alphaPrev)),
    );
    const std = Math.fround(ctx.eta * sqrt32(variance));
    const cX0 = sqrt32(alphaPrev);
    const cEps = sqrt32(Math.max(0, Math.fround(Math.fround(1 - alphaPrev) - Math.fround(std * std))));
    if (ctx.eta > 0) ctx.noise.fill(noise);
    if (ctx.predictionType === 'epsilon') {
      const scales = { a: sqrt32(alpha), s: sqrt32(beta), cX0, cQ: cEps, qIsX: false };
      const parts = await ctx.model.predictParts(x, plan.timesteps[i]);
      if (ctx.eta > 0) epsilonStep(x, parts, scales, x0, std, noise, true);
      else epsilonDdimStep(x, parts, scales, x0);
    } else {
      const out = await ctx.model.predict(x, plan.timesteps[i]);
      denoisedAlpha(out, x, sqrt32(alpha), sqrt32(beta), ctx.predictionType, x0, eps);
      combine(x, cX0, x0, cEps, eps, std, noise, ctx.eta > 0);
    }
    ctx.step(i, n, x0);
  }
}

/** LCM boundary-condition scalings c_skip, c_out at a timestep (σ_data 0.5, timestep scaling 10). */
export function lcmScalings(timestep: number): { cSkip: number; cOut: number } {
  const scaled = Math.fround(timestep * 10);
  const denom = Math.fround(Math.fround(scaled * scaled) + 0.25);
  return { cSkip: Math.fround(0.25 / denom), cOut: Math.fround(scaled / sqrt32(denom)) };
}

/**
 * An ε-prediction LCM step in one pass: x̂₀ = (x − s·ε̂)/a, the boundary-condition estimate
 * d = cOut·x̂₀ + cSkip·x (each rounded to float32 as stored; kept in `x0`), re-noised to the next
 * timestep: x ← a'·d + s'·noise.
 */
function epsilonLcmStep(
  x: Float32Array,
  parts: GuidanceParts,
  c: { a: number; s: number; cOut: number; cSkip: number; nextA: number; nextS: number },
  x0: Float32Array,
  noise: Float32Array,
): void {
  const { a, s, cOut, cSkip, nextA, nextS } = c;
  const { uncond, cond, cfg } = parts;
  for (let k = 0; k < x.length; k++) {
    const xk = x[k];
    const estimate = Math.fround((xk - s * guidedAt(uncond, cond, cfg, k)) / a);
    const d = Math.fround(cOut * estimate + cSkip * xk);
    x0[k] = d;
    x[k] = nextA * d + nextS * noise[k];
  }
}

/** The last LCM step: x ← d (a separate loop: a per-element test of `last` slowed the hot one). */
function epsilonLcmFinal(
  x: Float32Array,
  parts: GuidanceParts,
  c: { a: number; s: number; cOut: number; cSkip: number },
  x0: Float32Array,
): void {
  const { a, s, cOut, cSkip } = c;
  const { uncond, cond, cfg } = parts;
  for (let k = 0; k < x.length; k++) {
    const xk = x[k];
    const estimate = Math.fround((xk - s * guidedAt(uncond, cond, cfg, k)) / a);
    const d = Math.fround(cOut * estimate + cSkip * xk);
    x0[k] = d;
    x[k] = d;
  }
}

/** LCM multistep: consistency-model estimate, then re-noise to the next timestep (not after the last). */
export async function sampleLcm(ctx: SamplerContext): Promise<void> {
  const { x, plan } = ctx;
  const [x0, noise] = buffers(x.length, 2);
  const n = plan.timesteps.length;
  for (let i = 0; i < n; i++) {
    const alpha = plan.alphasCumprod[i];
    const { cSkip, cOut } = lcmScalings(plan.timesteps[i]);
    if (ctx.predictionType === 'epsilon') {
      const last = i === n - 1;
      const alphaPrev = last ? 1 : plan.alphasCumprod[i + 1];
      const [nextA, nextS] = [sqrt32(alphaPrev), sqrt32(Math.fround(1 - alphaPrev))];
      if (!last) ctx.noise.fill(noise);
      const c = { a: sqrt32(alpha), s: sqrt32(Math.fround(1 - alpha)), cOut, cSkip, nextA, nextS };
      const parts = await ctx.model.predictParts(x, plan.timesteps[i]);
      if (last) epsilonLcmFinal(x, parts, c, x0);
      else epsilonLcmStep(x, parts, c, x0, noise);
      ctx.step(i, n, x0);
      continue;
    }
    const out = await ctx.model.predict(x, plan.timesteps[i]);
    denoisedAlpha(out, x, sqrt32(alpha), sqrt32(Math.fround(1 - alpha)), ctx.predictionType, x0);
    combine(x0, cOut, x0, cSkip, x, 0, noise, false);
    if (i < n - 1) {
      const alphaPrev = plan.alphasCumprod[i + 1];
      const a = sqrt32(alphaPrev);
      const s = sqrt32(Math.fround(1 - alphaPrev));
      ctx.noise.fill(noise);
      combine(x, a, x0, s, noise, 0, noise, false);
    } else {
      x.set(x0);
    }
    ctx.step(i, n, x0);
  }
}
