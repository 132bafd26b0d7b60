// Shared test fixtures: the Stable Diffusion 1.5 config, an independent float64 ᾱ table, mock
// denoisers (the exact ε-predictor for Gaussian data, a nonlinear one, a counting one).
import { SD_DENOISER_CONFIG } from '../../../nodes/sd-constants.ts';
import type { Conditioning, Denoiser, DenoiserConfig, Tensor } from '../../../nodes/types.ts';

/** The SD 1.5 training config as a sampler input (expected values come from alphaBar64 and recordings). */
export const SD15: DenoiserConfig = { ...SD_DENOISER_CONFIG };

/** ᾱ for SD 1.5 in plain float64 (β linear in √β, squared; running product). */
export function alphaBar64(config: DenoiserConfig = SD15): number[] {
  const n = config.numTrainTimesteps;
  const out: number[] = [];
  let product = 1;
  for (let i = 0; i < n; i++) {
    let beta: number;
    if (config.betaSchedule === 'scaled_linear') {
      const r =
        Math.sqrt(config.betaStart) +
        ((Math.sqrt(config.betaEnd) - Math.sqrt(config.betaStart)) * i) / (n - 1);
      beta = r * r;
    } else {
      beta = config.betaStart + ((config.betaEnd - config.betaStart) * i) / (n - 1);
    }
    product *= 1 - beta;
    out.push(product);
  }
  return out;
}

/** ᾱ at a fractional timestep, interpolating log σ linearly (the inverse of diffusers' _sigma_to_t). */
export function alphaBarAt(t: number, table: number[]): number {
  const clamped = Math.min(Math.max(t, 0), table.length - 1);
  const lo = Math.floor(clamped);
  const hi = Math.min(lo + 1, table.length - 1);
  const w = clamped - lo;
  const logSigma = (a: number) => 0.5 * Math.log((1 - a) / a);
  const ls = (1 - w) * logSigma(table[lo]) + w * logSigma(table[hi]);
  const sigma2 = Math.exp(2 * ls);
  return 1 / (1 + sigma2);
}

interface MockOptions {
  config?: Partial<DenoiserConfig>;
  batch?: 'dynamic' | number;
  conditional?: boolean;
  channels?: number;
}

export interface MockDenoiser extends Denoiser {
  calls: { batch: number; timestep: number; context?: Conditioning }[];
}

function mock(
  name: string,
  options: MockOptions,
  fn: (x: Tensor, t: number, context?: Conditioning) => Float32Array,
): MockDenoiser {
  const calls: MockDenoiser['calls'] = [];
  return {
    kind: 'denoiser',
    name,
    config: { ...SD15, ...options.config },
    channels: options.channels ?? 4,
    batch: options.batch ?? 'dynamic',
    conditional: options.conditional ?? false,
    calls,
    async predict(x, t, context) {
      calls.push({ batch: x.shape[0], timestep: t, context });
      return fn(x, t, context);
    },
  };
}

/**
 * The exact predictor for x₀ ~ N(μ, s²) per element: ε* = (x − √ᾱ·μ)·√(1−ᾱ)/(ᾱs² + 1 − ᾱ), and for
 * the other prediction types x₀* = (x − √(1−ᾱ)·ε*)/√ᾱ, v* = √ᾱ·ε* − √(1−ᾱ)·x₀*.
 */
export function gaussianDenoiser(mu: number, s: number, options: MockOptions = {}): MockDenoiser {
  const table = alphaBar64({ ...SD15, ...options.config });
  const type = options.config?.predictionType ?? 'epsilon';
  return mock('gaussian', options, (x, t) => {
    const a = alphaBarAt(t, table);
    const factor = Math.sqrt(1 - a) / (a * s * s + 1 - a);
    const out = new Float32Array(x.data.length);
    for (let i = 0; i < out.length; i++) {
      const eps = (x.data[i] - Math.sqrt(a) * mu) * factor;
      const x0 = (x.data[i] - Math.sqrt(1 - a) * eps) / Math.sqrt(a);
      out[i] = type === 'epsilon' ? eps : type === 'sample' ? x0 : Math.sqrt(a) * eps - Math.sqrt(1 - a) * x0;
    }
    return out;
  });
}

/** A smooth nonlinear model whose output depends on x, t and (when given) the conditioning's first value. */
export function nonlinearDenoiser(options: MockOptions = {}): MockDenoiser {
  return mock('nonlinear', options, (x, t, context) => {
    const out = new Float32Array(x.data.length);
    const item = x.data.length / x.shape[0];
    for (let i = 0; i < out.length; i++) {
      const c = context ? context.data[Math.floor(i / item) * (context.data.length / context.shape[0])] : 0;
      out[i] = Math.tanh(0.7 * x.data[i] + 0.2 * Math.sin(i % item)) * (0.8 + t / 2000) + 0.05 * c;
    }
    return out;
  });
}

/** A latent of deterministic, varied values. */
export function rampLatent(shape: number[], scale = 1): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: size }, (_, i) => scale * Math.sin(1.3 * i + 0.4)), shape };
}

export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
  return worst;
}
