// DPM-Solver++(2M) and its SDE variant (Lu et al. 2022, arXiv 2211.01095) as diffusers'
// DPMSolverMultistepScheduler with algorithm_type dpmsolver++ / sde-dpmsolver++, solver_order 2,
// solver_type midpoint, lower_order_final, final_sigmas_type "zero". α space, λ = log(α/σ).
import { denoisedAlpha } from './prediction.ts';
import { buffers, type SamplerContext } from './sampler-context.ts';

/** VP α_t, σ_t and λ_t from the σ-space noise level, in float32 like diffusers. */
function alphaSigmaLambda(sigma: number): { alpha: number; sigmaT: number; lambda: number } {
  const alpha = Math.fround(1 / Math.fround(Math.sqrt(Math.fround(Math.fround(sigma * sigma) + 1))));
  const sigmaT = Math.fround(sigma * alpha);
  return { alpha, sigmaT, lambda: Math.fround(Math.fround(Math.log(alpha)) - Math.fround(Math.log(sigmaT))) };
}

export async function sampleDpmpp2m(ctx: SamplerContext, sde = false): Promise<void> {
  const { x, plan } = ctx;
  const [current, previous, noise] = buffers(x.length, 3);
  let m0 = current;
  let m1 = previous;
  const n = plan.timesteps.length;
  for (let i = 0; i < n; i++) {
    const s0 = alphaSigmaLambda(plan.sigmas[i]);
    const t = alphaSigmaLambda(plan.sigmas[i + 1]);
    [m0, m1] = [m1, m0]; // m1 ← last step's x₀ estimate
    const out = await ctx.model.predict(x, plan.timesteps[i]);
    denoisedAlpha(out, x, s0.alpha, s0.sigmaT, ctx.predictionType, m0);
    const h = Math.fround(t.lambda - s0.lambda);
    // first order on the first step and (final σ = 0) on the last one
    const secondOrder = i > 0 && i < n - 1;
    let r = 1;
    if (secondOrder)
      r = Math.fround(Math.fround(s0.lambda - alphaSigmaLambda(plan.sigmas[i - 1]).lambda) / h);
    const inv = Math.fround(1 / r);
    if (sde) {
      const eh = Math.fround(Math.exp(-h));
      const cX = Math.fround(Math.fround(t.sigmaT / s0.sigmaT) * eh);
      const cD = Math.fround(t.alpha * Math.fround(1 - Math.fround(Math.exp(Math.fround(-2 * h)))));
      const cN = Math.fround(
        t.sigmaT * Math.fround(Math.sqrt(Math.fround(1 - Math.fround(Math.exp(Math.fround(-2 * h)))))),
      );
      if (cN > 0) ctx.noise.fill(noise);
      const halfD = Math.fround(0.5 * cD);
      for (let k = 0; k < x.length; k++) {
        let v = cX * x[k] + cD * m0[k];
        if (secondOrder) v = v + halfD * (inv * (m0[k] - m1[k]));
        x[k] = cN > 0 ? v + cN * noise[k] : v;
      }
    } else {
      const cX = Math.fround(t.sigmaT / s0.sigmaT);
      const cD = Math.fround(t.alpha * Math.fround(Math.fround(Math.exp(-h)) - 1));
      const halfD = Math.fround(0.5 * cD);
      for (let k = 0; k < x.length; k++) {
        const v = cX * x[k] - cD * m0[k];
        x[k] = secondOrder ? v - halfD * (inv * (m0[k] - m1[k])) : v;
      }
    }
    ctx.step(i, n, m0);
  }
}
