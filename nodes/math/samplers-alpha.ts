// α-space samplers as diffusers' DDPMScheduler (Ho et al. 2020, Alg. 2, fixed_small variance),
// DDIMScheduler (Song et al. 2021, η) and LCMScheduler (Luo et al. 2023, boundary-condition
// scalings); coefficients in float32 like torch. x = √ᾱ·x₀ + √(1−ᾱ)·n; the model sees x unscaled.
import { denoisedAlpha } from './prediction.ts';
import { buffers, type SamplerContext } from './sampler-context.ts';

const sqrt32 = (v: number) => Math.fround(Math.sqrt(v));

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
    const out = await ctx.model.predict(x, plan.timesteps[i]);
    denoisedAlpha(out, x, sqrt32(alpha), sqrt32(beta), ctx.predictionType, x0);
    const currentAlpha = Math.fround(alpha / alphaPrev);
    const currentBeta = Math.fround(1 - currentAlpha);
    const cX0 = Math.fround(Math.fround(sqrt32(alphaPrev) * currentBeta) / beta);
    const cX = Math.fround(Math.fround(sqrt32(currentAlpha) * betaPrev) / beta);
    const noisy = plan.timesteps[i] > 0;
    const std = sqrt32(Math.max(Math.fround(Math.fround(betaPrev / beta) * currentBeta), 1e-20));
    if (noisy) ctx.noise.fill(noise);
    for (let k = 0; k < x.length; k++) {
      const mean = cX0 * x0[k] + cX * x[k];
      x[k] = noisy ? mean + std * noise[k] : mean;
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
    const out = await ctx.model.predict(x, plan.timesteps[i]);
    denoisedAlpha(out, x, sqrt32(alpha), sqrt32(beta), ctx.predictionType, x0, eps);
    const variance = Math.fround(
      Math.fround(betaPrev / beta) * Math.fround(1 - Math.fround(alpha / alphaPrev)),
    );
    const std = Math.fround(ctx.eta * sqrt32(variance));
    const cX0 = sqrt32(alphaPrev);
    const cEps = sqrt32(Math.max(0, Math.fround(Math.fround(1 - alphaPrev) - Math.fround(std * std))));
    if (ctx.eta > 0) ctx.noise.fill(noise);
    for (let k = 0; k < x.length; k++) {
      const prev = cX0 * x0[k] + cEps * eps[k];
      x[k] = ctx.eta > 0 ? prev + std * noise[k] : prev;
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

/** LCM multistep: consistency-model estimate, then re-noise to the next timestep (not after the last). */
export async function sampleLcm(ctx: SamplerContext): Promise<void> {
  const { x, plan } = ctx;
  const [x0, noise] = buffers(x.length, 2);
  const n = plan.timesteps.length;
  for (let i = 0; i < n; i++) {
    const alpha = plan.alphasCumprod[i];
    const out = await ctx.model.predict(x, plan.timesteps[i]);
    denoisedAlpha(out, x, sqrt32(alpha), sqrt32(Math.fround(1 - alpha)), ctx.predictionType, x0);
    const { cSkip, cOut } = lcmScalings(plan.timesteps[i]);
    for (let k = 0; k < x.length; k++) x0[k] = cOut * x0[k] + cSkip * x[k];
    if (i < n - 1) {
      const alphaPrev = plan.alphasCumprod[i + 1];
      const a = sqrt32(alphaPrev);
      const s = sqrt32(Math.fround(1 - alphaPrev));
      ctx.noise.fill(noise);
      for (let k = 0; k < x.length; k++) x[k] = a * x0[k] + s * noise[k];
    } else {
      x.set(x0);
    }
    ctx.step(i, n, x0);
  }
}
