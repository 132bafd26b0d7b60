// Langevin dynamics in σ space with the model's score ∇log p_σ(x) = (D(x, σ) − x)/σ² = −ε̂/σ:
//   x ← x + (ε/2)·score + √ε·z,  ε = step_size·σ² (the step scaled by σ², Song & Ermon 2019).
// `langevin` takes one step per noise level; `annealed_langevin` takes `langevinSteps` per level
// (Song & Ermon 2019, Alg. 1). Levels are the schedule's non-zero σ; a schedule that ends at σ = 0
// finishes with the denoised estimate at the last level (Tweedie's formula, as NCSNv2 does).
import { buffers, denoiseAtSigma, type SamplerContext } from './sampler-context.ts';

/** x ← x + drift·(D − x) + spread·z, in a synchronous function V8 optimizes quickly. */
function langevinUpdate(
  x: Float32Array,
  denoised: Float32Array,
  noise: Float32Array,
  drift: number,
  spread: number,
): void {
  for (let k = 0; k < x.length; k++) x[k] = x[k] + drift * (denoised[k] - x[k]) + spread * noise[k];
}

export async function sampleLangevin(ctx: SamplerContext, stepsPerLevel: number): Promise<void> {
  const { x, plan } = ctx;
  const [denoised, noise] = buffers(x.length, 2);
  const levels: { sigma: number; timestep: number }[] = [];
  for (let i = 0; i < plan.sigmas.length; i++) {
    if (plan.sigmas[i] > 0) levels.push({ sigma: plan.sigmas[i], timestep: timestepAt(plan, i) });
  }
  const endsClean = plan.sigmas[plan.sigmas.length - 1] === 0;
  const total = levels.length * stepsPerLevel + (endsClean ? 1 : 0);
  let done = 0;
  for (const { sigma, timestep } of levels) {
    const epsilon = ctx.langevinStepSize * sigma * sigma;
    const drift = epsilon / (2 * sigma * sigma);
    const spread = Math.sqrt(epsilon);
    for (let s = 0; s < stepsPerLevel; s++) {
      await denoiseAtSigma(ctx, x, sigma, timestep, denoised);
      ctx.noise.fill(noise);
      langevinUpdate(x, denoised, noise, drift, spread);
      ctx.step(done++, total, denoised);
    }
  }
  if (endsClean && levels.length > 0) {
    const last = levels[levels.length - 1];
    await denoiseAtSigma(ctx, x, last.sigma, last.timestep, denoised);
    x.set(denoised);
    ctx.step(done, total, denoised);
  }
}

/** Model timestep for boundary i; the final boundary (no step of its own) reuses σ → t interpolation. */
function timestepAt(plan: SamplerContext['plan'], i: number): number {
  if (i < plan.timesteps.length) return plan.timesteps[i];
  return plan.finalTimestep ?? plan.timesteps[plan.timesteps.length - 1];
}
