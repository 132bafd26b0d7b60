// Stable Diffusion's training noise schedule, to embed in generated denoisers as a lookup table.
// scaled_linear: betas = linspace(√β_start, √β_end, N)², ᾱ_t = Π_{s≤t} (1 − β_s) (diffusers' DDPMScheduler).

export const SD_TRAIN_STEPS = 1000;
export const SD_BETA_START = 0.00085;
export const SD_BETA_END = 0.012;

/** ᾱ for t = 0 … steps−1 (float64). */
export function scaledLinearAlphasCumprod(
  steps = SD_TRAIN_STEPS,
  betaStart = SD_BETA_START,
  betaEnd = SD_BETA_END,
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
