// Stable Diffusion's training noise schedule, to embed in generated denoisers as a lookup table.
// scaled_linear: betas = linspace(√β_start, √β_end, N)², ᾱ_t = Π_{s≤t} (1 − β_s) (diffusers' DDPMScheduler).
// In plain float64, unlike nodes/math/betas.ts (which reproduces diffusers' float32 tensors for
// samplers): the generated models are the closed-form references the tests compare against.
import { SD_DENOISER_CONFIG } from '../../nodes/sd-constants.ts';

const SD = SD_DENOISER_CONFIG;

/** ᾱ for t = 0 … steps−1 (float64). */
export function scaledLinearAlphasCumprod(
  steps = SD.numTrainTimesteps,
  betaStart = SD.betaStart,
  betaEnd = SD.betaEnd,
): Float64Array {
  const out = new Float64Array(steps);
  const a = Math.sqrt(betaStart);
  const b = Math.sqrt(betaEnd);
  let prod = 1;
  for (let i = 0; i < steps; i++) {
    const root = steps === 1 ? a : a + ((b - a) * i) / (steps - 1);
    prod *= 1 - root * root;
    out[i] = prod;
  }
  return out;
}

/** ᾱ at a fractional timestep: linear interpolation of the table, t clamped to [0, steps−1]. */
export function interpolateAlphaCumprod(table: ArrayLike<number>, t: number): number {
  const last = table.length - 1;
  const tc = Math.min(Math.max(t, 0), last);
  const i0 = Math.floor(tc);
  const i1 = Math.min(i0 + 1, last);
  const frac = tc - i0;
  return table[i0] + frac * (table[i1] - table[i0]);
}
