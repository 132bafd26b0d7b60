// LMS: diffusers' LMSDiscreteScheduler (linear multistep on the probability-flow ODE, Karras et al.
// 2022; k-diffusion's sample_lms). Coefficients in float32 like torch; element loops in small
// synchronous functions for V8 (see samplers-sigma.ts).
import type { GuidanceParts } from './guidance.ts';
import { guidedAt } from './prediction.ts';
import { buffers, denoiseAtSigma, inputScale, type SamplerContext } from './sampler-context.ts';

/**
 * ∫ over [σ_i, σ_{i+1}] of the Lagrange basis polynomial for node j through σ_i, σ_{i−1}, …
 * (diffusers integrates it with scipy.quad; a polynomial integrates exactly in closed form).
 */
export function lmsCoefficient(sigmas: ArrayLike<number>, i: number, order: number, j: number): number {
  let poly = [1]; // coefficients, lowest power first
  for (let k = 0; k < order; k++) {
    if (k === j) continue;
    const denom = sigmas[i - j] - sigmas[i - k];
    const next = new Array(poly.length + 1).fill(0);
    for (let p = 0; p < poly.length; p++) {
      next[p + 1] += poly[p] / denom;
      next[p] -= (poly[p] * sigmas[i - k]) / denom;
    }
    poly = next;
  }
  const integral = (t: number) => poly.reduce((sum, c, p) => sum + (c * t ** (p + 1)) / (p + 1), 0);
  return integral(sigmas[i + 1]) - integral(sigmas[i]);
}

function lmsDerivative(x: Float32Array, denoised: Float32Array, sigma: number, out: Float32Array): void {
  for (let k = 0; k < x.length; k++) out[k] = (x[k] - denoised[k]) / sigma;
}

function lmsUpdate(
  x: Float32Array,
  c: readonly number[],
  d0: Float32Array,
  d1: Float32Array,
  d2: Float32Array,
  d3: Float32Array,
): void {
  const [c0, c1, c2, c3] = c;
  for (let k = 0; k < x.length; k++) x[k] = x[k] + (c0 * d0[k] + c1 * d1[k] + c2 * d2[k] + c3 * d3[k]);
}

/**
 * lmsDerivative and lmsUpdate in one pass, with D = x − σ·ε̂ from the guidance parts; d₀ is the
 * current derivative, stored (as float32) before d₁…d₃ are read since they may be the same buffer.
 */
function epsilonLmsStep(
  x: Float32Array,
  parts: GuidanceParts,
  sigma: number,
  denoised: Float32Array,
  c: readonly number[],
  d0: Float32Array,
  d1: Float32Array,
  d2: Float32Array,
  d3: Float32Array,
): void {
  const { uncond, cond, cfg } = parts;
  const [c0, c1, c2, c3] = c;
  for (let k = 0; k < x.length; k++) {
    const xk = x[k];
    const d = Math.fround(xk - sigma * guidedAt(uncond, cond, cfg, k));
    denoised[k] = d;
    const slope = Math.fround((xk - d) / sigma);
    d0[k] = slope;
    x[k] = xk + (c0 * slope + c1 * d1[k] + c2 * d2[k] + c3 * d3[k]);
  }
}

/** Linear multistep (order 4): x ← x + Σ_j c_j · d_{i−j}. */
export async function sampleLms(ctx: SamplerContext): Promise<void> {
  const maxOrder = 4; // diffusers' default `order` for LMSDiscreteScheduler.step
  const { x, plan } = ctx;
  const [denoised] = buffers(x.length, 1);
  const history = buffers(x.length, maxOrder); // derivative of step i lives in history[i % maxOrder]
  const n = plan.timesteps.length;
  for (let i = 0; i < n; i++) {
    const sigma = plan.sigmas[i];
    const order = Math.min(i + 1, maxOrder);
    // up to four terms, unrolled; missing ones get coefficient 0 (diffusers sums d_i, d_{i−1}, … in order)
    const c = [0, 1, 2, 3].map((j) => (j < order ? lmsCoefficient(plan.sigmas, i, order, j) : 0));
    const [d0, d1, d2, d3] = [0, 1, 2, 3].map((j) => history[(i - Math.min(j, order - 1)) % maxOrder]);
    if (ctx.predictionType === 'epsilon') {
      const parts = await ctx.model.predictParts(x, plan.timesteps[i], inputScale(sigma));
      epsilonLmsStep(x, parts, sigma, denoised, c, d0, d1, d2, d3);
    } else {
      await denoiseAtSigma(ctx, x, sigma, plan.timesteps[i], denoised);
      lmsDerivative(x, denoised, sigma, d0); // d0 is history[i % maxOrder], this step's slot
      lmsUpdate(x, c, d0, d1, d2, d3);
    }
    ctx.step(i, n, denoised);
  }
}
