// Converting a model's raw output (ε, v or x₀ per its prediction type) into the estimates samplers
// use. Scalar coefficients are rounded to float32 as torch computes them; per-element arithmetic runs
// in float64 and rounds to float32 on store (within an ulp of torch's float32 ops). σ space: x = x₀ + σ·n (model input x/√(σ²+1)). α space:
// x = a·x₀ + s·n with a = √ᾱ, s = √(1−ᾱ).
import type { PredictionType } from '../types.ts';

/** Denoised estimate D(x, σ) in σ space (diffusers' Euler/Heun/LMS `pred_original_sample`). */
export function denoisedSigma(
  out: Float32Array,
  x: Float32Array,
  sigma: number,
  type: PredictionType,
  dst: Float32Array,
): Float32Array {
  const n = x.length;
  if (type === 'epsilon') {
    for (let i = 0; i < n; i++) dst[i] = x[i] - sigma * out[i];
  } else if (type === 'v_prediction') {
    const cOut = Math.fround(-sigma / Math.fround(Math.sqrt(Math.fround(Math.fround(sigma * sigma) + 1))));
    const cSkip = Math.fround(Math.fround(sigma * sigma) + 1);
    for (let i = 0; i < n; i++) dst[i] = out[i] * cOut + x[i] / cSkip;
  } else {
    dst.set(out);
  }
  return dst;
}

/**
 * x₀ estimate in α space (DDIM/DDPM/LCM/DPM-Solver++ `pred_original_sample` / `x0_pred`);
 * `a` = √ᾱ, `s` = √(1−ᾱ) as float32 scalars. When `epsDst` is given, also the ε estimate.
 */
export function denoisedAlpha(
  out: Float32Array,
  x: Float32Array,
  a: number,
  s: number,
  type: PredictionType,
  dst: Float32Array,
  epsDst?: Float32Array,
): void {
  const n = x.length;
  if (type === 'epsilon') {
    for (let i = 0; i < n; i++) dst[i] = (x[i] - s * out[i]) / a;
    if (epsDst) epsDst.set(out);
  } else if (type === 'v_prediction') {
    for (let i = 0; i < n; i++) dst[i] = a * x[i] - s * out[i];
    if (epsDst) for (let i = 0; i < n; i++) epsDst[i] = a * out[i] + s * x[i];
  } else {
    dst.set(out);
    if (epsDst) for (let i = 0; i < n; i++) epsDst[i] = (x[i] - a * out[i]) / s;
  }
}

/**
 * Element k of the guided model output from its parts (guidance.ts GuidanceParts): exactly the value
 * `combineGuidance` stores (cfg already float32), so a sampler can fuse the combine into its pass.
 * No branch on `guided`: unguided parts carry zeros and cfg 1, which give `cond` back (a branch in
 * the loop made these passes over 1.5× slower).
 */
export function guidedAt(uncond: Float32Array, cond: Float32Array, cfg: number, k: number): number {
  const u = uncond[k];
  return Math.fround(u + cfg * (cond[k] - u));
}

/** Classifier-free guidance: u + cfg·(c − u), per element, into `dst`. */
export function combineGuidance(
  uncond: Float32Array,
  cond: Float32Array,
  cfg: number,
  dst: Float32Array,
): Float32Array {
  const scale = Math.fround(cfg);
  for (let i = 0; i < dst.length; i++) {
    const u = uncond[i];
    dst[i] = u + scale * (cond[i] - u);
  }
  return dst;
}
