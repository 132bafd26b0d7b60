// DPM-Solver++(2M) and its SDE variant (Lu et al. 2022, arXiv 2211.01095) as diffusers'
// DPMSolverMultistepScheduler with algorithm_type dpmsolver++ / sde-dpmsolver++, solver_order 2,
// solver_type midpoint, lower_order_final, final_sigmas_type "zero". α space, λ = log(α/σ).
import type { GuidanceParts } from './guidance.ts';
import { denoisedAlpha, guidedAt } from './prediction.ts';
import { buffers, type SamplerContext } from './sampler-context.ts';

/** VP α_t, σ_t and λ_t from the σ-space noise level, in float32 like diffusers. */
function alphaSigmaLambda(sigma: number): { alpha: number; sigmaT: number; lambda: number } {
  const alpha = Math.fround(1 / Math.fround(Math.sqrt(Math.fround(Math.fround(sigma * sigma) + 1))));
  const sigmaT = Math.fround(sigma * alpha);
  return { alpha, sigmaT, lambda: Math.fround(Math.fround(Math.log(alpha)) - Math.fround(Math.log(sigmaT))) };
}

// Element loops live in synchronous functions, which V8 optimizes quickly (see samplers-sigma.ts).
// With ε-prediction (`fromEps`) the loops also combine guidance and compute m₀ = (x − σ_t·ε̂)/α_t,
// rounded to float32 as when stored, so guidance, conversion and update take one pass and give the
// same numbers as three.

interface FromEps {
  parts: GuidanceParts;
  alpha: number;
  sigmaT: number;
}

/** Unused guidance parts for the non-ε path (the loops test `from` first). */
const NO_PARTS: GuidanceParts = {
  uncond: new Float32Array(0),
  cond: new Float32Array(0),
  cfg: 1,
  guided: false,
};

/** SDE update: cX·x + cD·m₀ (+ ½cD·(m₀ − m₁)/r on second-order steps) + cN·noise. */
function sdeUpdate(
  x: Float32Array,
  m0: Float32Array,
  m1: Float32Array,
  noise: Float32Array,
  c: { cX: number; cD: number; halfD: number; cN: number; inv: number; secondOrder: boolean },
  from: FromEps | null,
): void {
  const { cX, cD, halfD, cN, inv, secondOrder } = c;
  const fused = from !== null;
  const { uncond, cond, cfg } = from ? from.parts : NO_PARTS;
  const [alpha, sigmaT] = from ? [from.alpha, from.sigmaT] : [1, 0];
  for (let k = 0; k < x.length; k++) {
    let m: number;
    if (fused) m0[k] = m = Math.fround((x[k] - sigmaT * guidedAt(uncond, cond, cfg, k)) / alpha);
    else m = m0[k];
    let v = cX * x[k] + cD * m;
    if (secondOrder) v = v + halfD * (inv * (m - m1[k]));
    x[k] = cN > 0 ? v + cN * noise[k] : v;
  }
}

/** ODE update: cX·x − cD·m₀ (− ½cD·(m₀ − m₁)/r on second-order steps). */
function odeUpdate(
  x: Float32Array,
  m0: Float32Array,
  m1: Float32Array,
  c: { cX: number; cD: number; halfD: number; inv: number; secondOrder: boolean },
  from: FromEps | null,
): void {
  const { cX, cD, halfD, inv, secondOrder } = c;
  const fused = from !== null;
  const { uncond, cond, cfg } = from ? from.parts : NO_PARTS;
  const [alpha, sigmaT] = from ? [from.alpha, from.sigmaT] : [1, 0];
  for (let k = 0; k < x.length; k++) {
    let m: number;
    if (fused) m0[k] = m = Math.fround((x[k] - sigmaT * guidedAt(uncond, cond, cfg, k)) / alpha);
    else m = m0[k];
    const v = cX * x[k] - cD * m;
    x[k] = secondOrder ? v - halfD * (inv * (m - m1[k])) : v;
  }
}

// Branch-free copies of the loops above for the hot case (ε-prediction, second order, noise for
// the SDE): V8 does not hoist loop-invariant tests, and they cost up to half the pass.

function epsilonSde2Update(
  x: Float32Array,
  m0: Float32Array,
  m1: Float32Array,
  noise: Float32Array,
  c: { cX: number; cD: number; halfD: number; cN: number; inv: number },
  from: FromEps,
): void {
  const { cX, cD, halfD, cN, inv } = c;
  const { uncond, cond, cfg } = from.parts;
  const { alpha, sigmaT } = from;
  for (let k = 0; k < x.length; k++) {
    const xk = x[k];
    const m = Math.fround((xk - sigmaT * guidedAt(uncond, cond, cfg, k)) / alpha);
    m0[k] = m;
    x[k] = cX * xk + cD * m + halfD * (inv * (m - m1[k])) + cN * noise[k];
  }
}

function epsilonOde2Update(
  x: Float32Array,
  m0: Float32Array,
  m1: Float32Array,
  c: { cX: number; cD: number; halfD: number; inv: number },
  from: FromEps,
): void {
  const { cX, cD, halfD, inv } = c;
  const { uncond, cond, cfg } = from.parts;
  const { alpha, sigmaT } = from;
  for (let k = 0; k < x.length; k++) {
    const xk = x[k];
    const m = Math.fround((xk - sigmaT * guidedAt(uncond, cond, cfg, k)) / alpha);
    m0[k] = m;
    x[k] = cX * xk - cD * m - halfD * (inv * (m - m1[k]));
  }
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
    let from: FromEps | null = null;
    if (ctx.predictionType === 'epsilon') {
      from = {
        parts: await ctx.model.predictParts(x, plan.timesteps[i]),
        alpha: s0.alpha,
        sigmaT: s0.sigmaT,
      };
    } else {
      const out = await ctx.model.predict(x, plan.timesteps[i]);
      denoisedAlpha(out, x, s0.alpha, s0.sigmaT, ctx.predictionType, m0);
    }
    const h = Math.fround(t.lambda - s0.lambda);
    // first order on the first step and (final σ = 0) on the last one; a plan cut at σ > 0 keeps
    // its last step second order, as k-diffusion's sample_dpmpp_2m(_sde) does
    const secondOrder = i > 0 && (i < n - 1 || plan.endsMidSchedule === true);
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
      const c = { cX, cD, halfD, cN, inv, secondOrder };
      if (from && secondOrder && cN > 0) epsilonSde2Update(x, m0, m1, noise, c, from);
      else sdeUpdate(x, m0, m1, noise, c, from);
    } else {
      const cX = Math.fround(t.sigmaT / s0.sigmaT);
      const cD = Math.fround(t.alpha * Math.fround(Math.fround(Math.exp(-h)) - 1));
      const halfD = Math.fround(0.5 * cD);
      const c = { cX, cD, halfD, inv, secondOrder };
      if (from && secondOrder) epsilonOde2Update(x, m0, m1, c, from);
      else odeUpdate(x, m0, m1, c, from);
    }
    ctx.step(i, n, m0);
  }
}
