// An independent float64 re-derivation of the diffusers schedulers our samplers follow, written from the
// diffusers sources' structure (set_timesteps / scale_model_input / step / add_noise), with plain
// number arrays. Used to check nodes/math step by step; it shares no code with it. The schedules are in
// reference-diffusers-schedule.ts.
import {
  ac,
  N,
  type RefClass,
  type RefSchedule,
  type RefSpacing,
  refSchedule,
  type Vec,
} from './reference-diffusers-schedule.ts';

export type { RefClass, RefSpacing } from './reference-diffusers-schedule.ts';

type Model = (x: Vec, t: number) => Vec;

const axpy = (a: number, x: Vec, b: number, y: Vec) => x.map((v, i) => a * v + b * y[i]);

export interface RefRun {
  schedule: RefSchedule;
  latents: Vec[];
}

const SIGMA_SPACE: RefClass[] = ['euler', 'euler_ancestral', 'heun', 'lms'];
const scaled = (v: Vec, sigma: number) => v.map((e) => e / Math.sqrt(sigma * sigma + 1));

/** The pipeline's starting latent: z·init_noise_sigma (txt2img) or the class's add_noise (img2img). */
function startLatent(
  cls: RefClass,
  schedule: RefSchedule,
  timesteps: Vec,
  sigmas: Vec,
  z: Vec,
  image?: { latent: Vec },
): Vec {
  if (!image) return z.map((v) => v * schedule.init);
  if (SIGMA_SPACE.includes(cls)) return axpy(1, image.latent, sigmas[0], z);
  if (cls === 'dpmpp_2m' || cls === 'dpmpp_2m_sde') {
    const a = 1 / Math.sqrt(sigmas[0] ** 2 + 1);
    return axpy(a, image.latent, sigmas[0] * a, z);
  }
  const a = ac[timesteps[0]];
  return axpy(Math.sqrt(a), image.latent, Math.sqrt(1 - a), z);
}

/** HeunDiscreteScheduler's state machine over its doubled schedule σ = [s0, s1, s1, …, 0], t = [t0, t1, t1, …]. */
function heunLoop(x: Vec, timesteps: Vec, sigmas: Vec, model: Model): Vec[] {
  const S = [sigmas[0], ...sigmas.slice(1, -1).flatMap((s) => [s, s]), sigmas[sigmas.length - 1]];
  const T = [timesteps[0], ...timesteps.slice(1).flatMap((t) => [t, t])];
  const latents: Vec[] = [];
  let dt: number | null = null;
  let prevDerivative: Vec = [];
  let saved: Vec = [];
  for (let idx = 0; idx < T.length; idx++) {
    const out = model(scaled(x, S[idx]), T[idx]);
    if (dt === null) {
      const sigma = S[idx];
      prevDerivative = x.map((v, i) => (v - (v - sigma * out[i])) / sigma);
      dt = S[idx + 1] - sigma;
      saved = x;
      x = axpy(1, x, dt, prevDerivative);
      if (idx === T.length - 1) latents.push(x);
    } else {
      const next = S[idx];
      const d = x.map((v, i) => (v - (v - next * out[i])) / next);
      x = axpy(
        1,
        saved,
        dt,
        d.map((v, i) => (prevDerivative[i] + v) / 2),
      );
      dt = null;
      latents.push(x);
    }
  }
  return latents;
}

interface LoopState {
  x: Vec;
  i: number;
  timesteps: Vec;
  sigmas: Vec;
  n: number;
  noise: () => Vec;
  derivatives: Vec[];
  m1: Vec;
}

/** Euler / Euler ancestral / LMS step in σ space. */
function sigmaStep(cls: RefClass, st: LoopState, model: Model): Vec {
  const { x, i, sigmas } = st;
  const sigma = sigmas[i];
  const out = model(scaled(x, sigma), st.timesteps[i]);
  const d = x.map((v, k) => (v - (v - sigma * out[k])) / sigma);
  if (cls === 'euler') return axpy(1, x, sigmas[i + 1] - sigma, d);
  if (cls === 'euler_ancestral') {
    const to = sigmas[i + 1];
    const up = Math.sqrt((to * to * (sigma * sigma - to * to)) / (sigma * sigma));
    const down = Math.sqrt(to * to - up * up);
    const stepped = axpy(1, x, down - sigma, d);
    return up > 0 ? axpy(1, stepped, up, st.noise()) : stepped;
  }
  st.derivatives.unshift(d);
  const order = Math.min(i + 1, 4);
  let next = x;
  for (let j = 0; j < order; j++) next = axpy(1, next, lmsQuad(sigmas, i, order, j), st.derivatives[j]);
  return next;
}

/** DPM-Solver++(2M) (or its SDE variant), midpoint, lower_order_final, final σ = 0. */
function dpmStep(st: LoopState, model: Model, sde: boolean): Vec {
  const { x, i, sigmas } = st;
  const out = model(x, st.timesteps[i]);
  const lam = (s: number) => Math.log(1 / Math.sqrt(s * s + 1)) - Math.log(s / Math.sqrt(s * s + 1));
  const aT = 1 / Math.sqrt(sigmas[i + 1] ** 2 + 1);
  const sT = sigmas[i + 1] * aT;
  const a0 = 1 / Math.sqrt(sigmas[i] ** 2 + 1);
  const s0 = sigmas[i] * a0;
  const m0 = x.map((v, k) => (v - s0 * out[k]) / a0);
  const h = lam(sigmas[i + 1]) - lam(sigmas[i]);
  // ODE: x_t = (σ_t/σ_s)·x − α_t(e^{−h} − 1)·D; SDE: (σ_t/σ_s)e^{−h}·x + α_t(1 − e^{−2h})·D + σ_t√(1 − e^{−2h})·z
  const cX = sde ? (sT / s0) * Math.exp(-h) : sT / s0;
  const cD = sde ? aT * (1 - Math.exp(-2 * h)) : -aT * (Math.exp(-h) - 1);
  let next = axpy(cX, x, cD, m0);
  if (i > 0 && i < st.timesteps.length - 1) {
    const r = (lam(sigmas[i]) - lam(sigmas[i - 1])) / h;
    next = axpy(
      1,
      next,
      0.5 * cD,
      m0.map((v, k) => (v - st.m1[k]) / r),
    );
  }
  if (sde && sT > 0) next = axpy(1, next, sT * Math.sqrt(1 - Math.exp(-2 * h)), st.noise());
  st.m1 = m0;
  return next;
}

/** DDIM (η = 0), DDPM (fixed_small) and LCM steps in α space. */
function alphaStep(cls: RefClass, st: LoopState, model: Model): Vec {
  const { x, i, timesteps } = st;
  const t = timesteps[i];
  const out = model(x, t);
  const a = ac[t];
  const x0 = x.map((v, k) => (v - Math.sqrt(1 - a) * out[k]) / Math.sqrt(a));
  if (cls === 'ddim') {
    const prev = t - Math.floor(N / st.n);
    const ap = prev >= 0 ? ac[prev] : ac[0];
    return axpy(Math.sqrt(ap), x0, Math.sqrt(1 - ap), out);
  }
  if (cls === 'ddpm') {
    const ap = i + 1 < timesteps.length ? ac[timesteps[i + 1]] : 1;
    const beta = 1 - a / ap;
    const mean = axpy((Math.sqrt(ap) * beta) / (1 - a), x0, (Math.sqrt(a / ap) * (1 - ap)) / (1 - a), x);
    const variance = Math.max(((1 - ap) / (1 - a)) * beta, 1e-20);
    return t > 0 ? axpy(1, mean, Math.sqrt(variance), st.noise()) : mean;
  }
  const st10 = t * 10;
  const denoised = axpy(st10 / Math.sqrt(st10 * st10 + 0.25), x0, 0.25 / (st10 * st10 + 0.25), x);
  if (i === timesteps.length - 1) return denoised;
  const ap = ac[timesteps[i + 1]];
  return axpy(Math.sqrt(ap), denoised, Math.sqrt(1 - ap), st.noise());
}

/**
 * Run one class the way a diffusers pipeline does: txt2img (x = z·init_noise_sigma) when `image` is
 * undefined, else img2img with strength (keep the tail, add_noise at its first timestep).
 */
export function refSample(
  cls: RefClass,
  spacing: RefSpacing,
  n: number,
  model: Model,
  noise: () => Vec,
  image?: { latent: Vec; strength: number },
): RefRun {
  const schedule = refSchedule(cls, spacing, n);
  const tStart = image ? n - Math.min(Math.trunc(n * image.strength), n) : 0;
  const timesteps = schedule.timesteps.slice(tStart);
  const sigmas = schedule.sigmas.slice(tStart);
  const x = startLatent(cls, schedule, timesteps, sigmas, noise(), image);
  if (cls === 'heun') return { schedule, latents: heunLoop(x, timesteps, sigmas, model) };
  const st: LoopState = { x, i: 0, timesteps, sigmas, n, noise, derivatives: [], m1: [] };
  const latents: Vec[] = [];
  for (st.i = 0; st.i < timesteps.length; st.i++) {
    if (SIGMA_SPACE.includes(cls)) st.x = sigmaStep(cls, st, model);
    else if (cls === 'dpmpp_2m' || cls === 'dpmpp_2m_sde') st.x = dpmStep(st, model, cls === 'dpmpp_2m_sde');
    else st.x = alphaStep(cls, st, model);
    latents.push(st.x);
  }
  return { schedule, latents };
}

/** diffusers' LMS coefficient by 5-point Gauss–Legendre quadrature (exact for these cubic integrands). */
function lmsQuad(sigmas: Vec, t: number, order: number, j: number): number {
  const nodes = [-0.906179845938664, -0.538469310105683, 0, 0.538469310105683, 0.906179845938664];
  const weights = [
    0.236926885056189, 0.478628670499366, 0.568888888888889, 0.478628670499366, 0.236926885056189,
  ];
  const a = sigmas[t];
  const b = sigmas[t + 1];
  let sum = 0;
  nodes.forEach((u, q) => {
    const tau = (a + b) / 2 + ((b - a) / 2) * u;
    let prod = 1;
    for (let k = 0; k < order; k++)
      if (k !== j) prod *= (tau - sigmas[t - k]) / (sigmas[t - j] - sigmas[t - k]);
    sum += weights[q] * prod;
  });
  return ((b - a) / 2) * sum;
}
