// Training noise schedules: β_t → α_t → ᾱ_t (alphas_cumprod) → σ_t = √((1−ᾱ_t)/ᾱ_t).
// diffusers builds these as float32 torch tensors; we keep float64 arrays holding the same float32
// values, so every later step sees exactly the numbers diffusers sees.
import type { DenoiserConfig } from '../types.ts';
import { f32, torchLinspaceF32 } from './numeric.ts';

/** β for each training timestep, as float32 values. */
export function betasFor(
  config: Pick<DenoiserConfig, 'betaSchedule' | 'betaStart' | 'betaEnd' | 'numTrainTimesteps'>,
): Float64Array {
  const n = config.numTrainTimesteps;
  switch (config.betaSchedule) {
    case 'linear':
      return torchLinspaceF32(config.betaStart, config.betaEnd, n);
    case 'scaled_linear': {
      // Stable Diffusion: linear in √β, then squared (in float32).
      const roots = torchLinspaceF32(Math.sqrt(config.betaStart), Math.sqrt(config.betaEnd), n);
      return roots.map((r) => f32(r * r));
    }
    case 'squaredcos_cap_v2':
      return cosineBetas(n);
    default:
      throw new Error(`unknown beta schedule '${String(config.betaSchedule)}'`);
  }
}

/** Nichol & Dhariwal's cosine schedule (diffusers' betas_for_alpha_bar, max β 0.999), float64 → float32. */
function cosineBetas(n: number): Float64Array {
  const alphaBar = (t: number) => Math.cos((((t + 0.008) / 1.008) * Math.PI) / 2) ** 2;
  const betas = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    betas[i] = f32(Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999));
  }
  return betas;
}

/** ᾱ_t = Π α_s as torch.cumprod does on the CPU: a float64 running product of float32 α, stored as float32. */
export function alphasCumprodFor(config: DenoiserConfig): Float64Array {
  const betas = betasFor(config);
  const out = new Float64Array(betas.length);
  let product = 1;
  for (let i = 0; i < betas.length; i++) {
    product *= f32(1 - betas[i]);
    out[i] = f32(product);
  }
  return out;
}

/** σ_t = √((1−ᾱ_t)/ᾱ_t) computed in float32 like diffusers (ascending in t). */
export function trainingSigmas(alphasCumprod: Float64Array): Float64Array {
  return alphasCumprod.map((a) => f32(Math.sqrt(f32(f32(1 - a) / a))));
}

/** log σ_t as NumPy computes it on a float32 array (a float32 result). */
export function logSigmasF32(sigmas: Float64Array): Float64Array {
  return sigmas.map((s) => f32(Math.log(s)));
}
