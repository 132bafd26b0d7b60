// The schedule half of the independent float64 re-derivation of the diffusers schedulers
// (reference-diffusers.ts has the steps): set_timesteps' timesteps and σs for each spacing, from the
// SD 1.5 ᾱ table, with plain number arrays. It shares no code with nodes/math.
import { alphaBar64 } from './helpers.ts';

export type RefClass =
  | 'euler'
  | 'euler_ancestral'
  | 'heun'
  | 'lms'
  | 'dpmpp_2m'
  | 'dpmpp_2m_sde'
  | 'ddim'
  | 'ddpm'
  | 'lcm';
export type RefSpacing = 'leading' | 'linspace' | 'trailing' | 'karras';
export type Vec = number[];

/** SD 1.5's ᾱ_t, t = 0…999, in float64. */
export const ac = alphaBar64();
export const N = ac.length;
const trainSigmas = ac.map((a) => Math.sqrt((1 - a) / a));
const logSigmas = trainSigmas.map(Math.log);

function halfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d === 0.5) return f % 2 === 0 ? f : f + 1;
  return Math.round(x);
}
const linspace = (a: number, b: number, n: number) =>
  Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
function interp(t: number): number {
  if (t <= 0) return trainSigmas[0];
  if (t >= N - 1) return trainSigmas[N - 1];
  const lo = Math.floor(t);
  return trainSigmas[lo] + (trainSigmas[lo + 1] - trainSigmas[lo]) * (t - lo);
}
function sigmaToT(sigma: number): number {
  const ls = Math.log(sigma);
  let lo = 0;
  while (lo < N - 2 && logSigmas[lo + 1] <= ls) lo++;
  const w = Math.min(1, Math.max(0, (logSigmas[lo] - ls) / (logSigmas[lo] - logSigmas[lo + 1])));
  return lo + w;
}
function karras(n: number): Vec {
  const lo = trainSigmas[0] ** (1 / 7);
  const hi = trainSigmas[N - 1] ** (1 / 7);
  return linspace(0, 1, n).map((r) => (hi + r * (lo - hi)) ** 7);
}
/** Timesteps as Euler/DDIM/DDPM set_timesteps make them (float for linspace unless `integer`). */
function spaced(spacing: RefSpacing, n: number, integer: boolean): Vec {
  if (spacing === 'linspace') return linspace(N - 1, 0, n).map((t) => (integer ? halfEven(t) : t));
  if (spacing === 'leading') return Array.from({ length: n }, (_, i) => (n - 1 - i) * Math.floor(N / n) + 1);
  const ratio = N / n;
  const out: number[] = [];
  for (let i = 0; N - i * ratio > 0; i++) out.push(halfEven(N - i * ratio) - 1);
  return out;
}

export interface RefSchedule {
  timesteps: Vec;
  sigmas: Vec;
  init: number;
}

export function refSchedule(cls: RefClass, spacing: RefSpacing, n: number): RefSchedule {
  if (cls === 'dpmpp_2m' || cls === 'dpmpp_2m_sde') {
    let t: Vec;
    let s: Vec;
    if (spacing === 'karras') {
      s = karras(n);
      t = s.map((v) => halfEven(sigmaToT(v)));
    } else {
      if (spacing === 'linspace')
        t = linspace(0, N - 1, n + 1)
          .map(halfEven)
          .reverse()
          .slice(0, n);
      else if (spacing === 'leading')
        t = Array.from({ length: n }, (_, i) => (n - i) * Math.floor(N / (n + 1)) + 1);
      else t = spaced('trailing', n, true);
      s = t.map(interp);
    }
    return { timesteps: t, sigmas: [...s, 0], init: 1 };
  }
  if (cls === 'lcm') {
    const k = Math.floor(N / 50);
    const origin = Array.from({ length: 50 }, (_, i) => (50 - i) * k - 1);
    const t = Array.from({ length: n }, (_, i) => origin[Math.floor(i * (50 / n))]);
    return { timesteps: t, sigmas: t.map((v) => trainSigmas[v]), init: 1 };
  }
  if (cls === 'ddim' || cls === 'ddpm') {
    const t = spaced(spacing, n, true);
    return { timesteps: t, sigmas: t.map((v) => trainSigmas[v]), init: 1 };
  }
  let t: Vec;
  let s: Vec;
  if (spacing === 'karras') {
    s = karras(n);
    t = s.map(sigmaToT);
  } else {
    t = spaced(spacing, n, false);
    s = t.map(interp);
  }
  const max = Math.max(...s);
  return { timesteps: t, sigmas: [...s, 0], init: spacing === 'leading' ? Math.sqrt(max * max + 1) : max };
}
