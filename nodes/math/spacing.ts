// diffusers' timestep spacings (Table 2 of Lin et al. 2023, "Common Diffusion Noise Schedules and
// Sample Steps are Flawed") and the σ ↔ t conversions its sigma-space schedulers use.
import { f32, interpOnIndex, npLinspace, roundHalfEven } from './numeric.ts';

export type Spacing = 'leading' | 'trailing' | 'linspace';

/** numpy.arange(start, stop, step) for float arguments (length ceil((stop−start)/step)). */
function npArange(start: number, stop: number, step: number): Float64Array {
  const length = Math.max(0, Math.ceil((stop - start) / step));
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = start + i * step;
  return out;
}

/**
 * Timesteps of the sigma-space schedulers (Euler, Euler ancestral, Heun, LMS) and DDPM/DDIM, first
 * (noisiest) first. `integer` selects the DDPM/DDIM form (rounded int64 for linspace).
 */
export function spacedTimesteps(
  spacing: Spacing,
  steps: number,
  numTrain: number,
  stepsOffset: number,
  integer = false,
): Float64Array {
  switch (spacing) {
    case 'linspace': {
      const t = npLinspace(0, numTrain - 1, steps).reverse();
      return integer ? t.map(roundHalfEven) : t.map(f32);
    }
    case 'leading': {
      const ratio = Math.floor(numTrain / steps);
      const t = new Float64Array(steps);
      for (let i = 0; i < steps; i++) t[i] = (steps - 1 - i) * ratio + stepsOffset;
      return t;
    }
    case 'trailing': {
      const t = npArange(numTrain, 0, -(numTrain / steps));
      return t.map((v) => roundHalfEven(v) - 1);
    }
  }
}

/** DPMSolverMultistep's spacing: steps + 1 points with the last (t = 0 end) dropped. */
export function dpmTimesteps(
  spacing: Spacing,
  steps: number,
  numTrain: number,
  stepsOffset: number,
): Float64Array {
  switch (spacing) {
    case 'linspace':
      return npLinspace(0, numTrain - 1, steps + 1)
        .map(roundHalfEven)
        .reverse()
        .subarray(0, steps)
        .slice();
    case 'leading': {
      const ratio = Math.floor(numTrain / (steps + 1));
      const t = new Float64Array(steps);
      for (let i = 0; i < steps; i++) t[i] = (steps - i) * ratio + stepsOffset;
      return t;
    }
    case 'trailing':
      return spacedTimesteps('trailing', steps, numTrain, stepsOffset, true);
  }
}

/** σ at (possibly fractional) timesteps by linear interpolation of the σ table (np.interp), float64. */
export function sigmasAtTimesteps(timesteps: Float64Array, trainSigmas: Float64Array): Float64Array {
  return timesteps.map((t) => interpOnIndex(t, trainSigmas));
}

/**
 * diffusers' _sigma_to_t: the fractional timestep whose log σ interpolates linearly to log σ.
 * `logSigmas` are float32 values (NumPy log of a float32 array); the denominator low − high is a
 * float32 subtraction there too.
 */
export function sigmaToT(sigma: number, logSigmas: Float64Array): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  const n = logSigmas.length;
  // low index: the last table entry whose log σ ≤ log σ (the table ascends), clipped to n − 2
  let low = 0;
  for (let i = 0; i < n; i++) if (logSigma - logSigmas[i] >= 0) low = i;
  low = Math.min(low, n - 2);
  const lo = logSigmas[low];
  const hi = logSigmas[low + 1];
  const w = Math.min(1, Math.max(0, (lo - logSigma) / f32(lo - hi)));
  return (1 - w) * low + w * (low + 1);
}

/** Karras et al. (2022) ρ = 7 noise levels from σ_max down to σ_min (k-diffusion get_sigmas_karras). */
export function karrasSigmas(steps: number, sigmaMin: number, sigmaMax: number, rho = 7): Float64Array {
  const ramp = npLinspace(0, 1, steps);
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return ramp.map((r) => (maxInv + r * (minInv - maxInv)) ** rho);
}

/** Evenly spaced in log σ (k-diffusion get_sigmas_exponential; also NCSN's geometric sequence). */
export function geometricSigmas(steps: number, sigmaMin: number, sigmaMax: number): Float64Array {
  return npLinspace(Math.log(sigmaMax), Math.log(sigmaMin), steps).map(Math.exp);
}
