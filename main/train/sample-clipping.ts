// x₀ clipping for pixel-space sampling (diffusers' clip_sample, on by default for its pixel DDPM and
// DDIM schedulers): with Ho et al.'s linear schedule ᾱ_T ≈ 4·10⁻⁵, so x̂₀ = (x − √(1−ᾱ)·ε̂)/√ᾱ magnifies
// any ε error ~150× near t = T and unclipped samplers diverge. The trained model's output is therefore
// the ε consistent with the clipped estimate: ε' = (x − √ᾱ·clip(x̂₀, −1, 1))/√(1−ᾱ). Folded into the model
// (TypeScript denoiser and ONNX export alike), every sampler gets it without knowing about it.
import { interpOnIndex } from '../../nodes/math/numeric.ts';

/** Rewrite eps in place to the ε of the clipped x̂₀ at (fractional) timestep t. */
export function clipEpsilon(
  eps: Float32Array,
  x: ArrayLike<number>,
  t: number,
  alphasCumprod: ArrayLike<number>,
): Float32Array {
  const alphaBar = interpOnIndex(t, alphasCumprod);
  const a = Math.sqrt(alphaBar);
  const s = Math.sqrt(1 - alphaBar);
  for (let i = 0; i < eps.length; i++) {
    const x0 = Math.min(1, Math.max(-1, (x[i] - s * eps[i]) / a));
    eps[i] = (x[i] - a * x0) / s;
  }
  return eps;
}
