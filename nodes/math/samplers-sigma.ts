// σ-space samplers, step for step as diffusers' EulerDiscrete, EulerAncestralDiscrete, HeunDiscrete
// and LMSDiscrete schedulers (Karras et al. 2022 Alg. 1/2; k-diffusion). Coefficients in float32 like
// torch; per-element work in float64, stored as float32.
import { buffers, denoiseAtSigma, type SamplerContext } from './sampler-context.ts';

/** Euler: x ← x + (x − D)/σ · (σ_next − σ). */
export async function sampleEuler(ctx: SamplerContext): Promise<void> {
  const { x, plan } = ctx;
  const [scratch, denoised] = buffers(x.length, 2);
  const n = plan.timesteps.length;
  for (let i = 0; i < n; i++) {
    const sigma = plan.sigmas[i];
    await denoiseAtSigma(ctx, x, sigma, plan.timesteps[i], scratch, denoised);
    const dt = Math.fround(plan.sigmas[i + 1] - sigma);
    const ratio = dt / sigma; // derivative (x − D)/σ times dt, as one multiply
    for (let k = 0; k < x.length; k++) x[k] = x[k] + (x[k] - denoised[k]) * ratio;
    ctx.step(i, n, denoised);
  }
}

/** Euler ancestral: step down to σ_down, then add fresh noise of std σ_up. */
export async function sampleEulerAncestral(ctx: SamplerContext): Promise<void> {
  const { x, plan } = ctx;
  const [scratch, denoised, noise] = buffers(x.length, 3);
  const n = plan.timesteps.length;
  for (let i = 0; i < n; i++) {
    const from = plan.sigmas[i];
    const to = plan.sigmas[i + 1];
    await denoiseAtSigma(ctx, x, from, plan.timesteps[i], scratch, denoised);
    const to2 = Math.fround(to * to);
    const from2 = Math.fround(from * from);
    const sigmaUp = Math.fround(Math.sqrt(Math.fround(Math.fround(to2 * Math.fround(from2 - to2)) / from2)));
    const sigmaDown = Math.fround(Math.sqrt(Math.fround(to2 - Math.fround(sigmaUp * sigmaUp))));
    const ratio = Math.fround(sigmaDown - from) / from;
    if (sigmaUp > 0) ctx.noise.fill(noise);
    for (let k = 0; k < x.length; k++) {
      const stepped = x[k] + (x[k] - denoised[k]) * ratio;
      x[k] = sigmaUp > 0 ? stepped + noise[k] * sigmaUp : stepped;
    }
    ctx.step(i, n, denoised);
  }
}

/** Heun (2nd order): Euler predictor, trapezoid corrector; the last step (to the final σ) is plain Euler. */
export async function sampleHeun(ctx: SamplerContext): Promise<void> {
  const { x, plan } = ctx;
  const [scratch, denoised, derivative, predicted] = buffers(x.length, 4);
  const n = plan.timesteps.length;
  for (let i = 0; i < n; i++) {
    const sigma = plan.sigmas[i];
    const next = plan.sigmas[i + 1];
    await denoiseAtSigma(ctx, x, sigma, plan.timesteps[i], scratch, denoised);
    const dt = Math.fround(next - sigma);
    for (let k = 0; k < x.length; k++) {
      derivative[k] = (x[k] - denoised[k]) / sigma;
      predicted[k] = x[k] + derivative[k] * dt;
    }
    if (i === n - 1) {
      x.set(predicted);
    } else {
      await denoiseAtSigma(ctx, predicted, next, plan.timesteps[i + 1], scratch, denoised);
      for (let k = 0; k < x.length; k++) {
        const d2 = (predicted[k] - denoised[k]) / next;
        const mean = (derivative[k] + d2) / 2;
        x[k] = x[k] + mean * dt;
      }
    }
    ctx.step(i, n, denoised);
  }
}

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

/** Linear multistep (order 4): x ← x + Σ_j c_j · d_{i−j}. */
export async function sampleLms(ctx: SamplerContext): Promise<void> {
  const maxOrder = 4; // diffusers' default `order` for LMSDiscreteScheduler.step
  const { x, plan } = ctx;
  const [scratch, denoised] = buffers(x.length, 2);
  const history = buffers(x.length, maxOrder); // derivative of step i lives in history[i % maxOrder]
  const n = plan.timesteps.length;
  for (let i = 0; i < n; i++) {
    const sigma = plan.sigmas[i];
    await denoiseAtSigma(ctx, x, sigma, plan.timesteps[i], scratch, denoised);
    const current = history[i % maxOrder];
    for (let k = 0; k < x.length; k++) current[k] = (x[k] - denoised[k]) / sigma;
    const order = Math.min(i + 1, maxOrder);
    // up to four terms, unrolled; missing ones get coefficient 0 (diffusers sums d_i, d_{i−1}, … in order)
    const c = [0, 1, 2, 3].map((j) => (j < order ? lmsCoefficient(plan.sigmas, i, order, j) : 0));
    const [d0, d1, d2, d3] = [0, 1, 2, 3].map((j) => history[(i - Math.min(j, order - 1)) % maxOrder]);
    for (let k = 0; k < x.length; k++) {
      x[k] = x[k] + (c[0] * d0[k] + c[1] * d1[k] + c[2] * d2[k] + c[3] * d3[k]);
    }
    ctx.step(i, n, denoised);
  }
}
