// Training tables, timestep spacings, σ schedules and the img2img tail, against values computed
// independently (closed forms, NumPy, published diffusers/LCM timesteps).
import { describe, expect, it } from 'vitest';
import { alphasCumprodFor, betasFor, trainingSigmas } from '../../../nodes/math/betas.ts';
import { diffusersArrays, keptSteps, planFor } from '../../../nodes/math/plan.ts';
import { lmsCoefficient } from '../../../nodes/math/samplers-lms.ts';
import { sigmaSchedule, trainingTables } from '../../../nodes/math/schedules.ts';
import { sigmaToT } from '../../../nodes/math/spacing.ts';
import { alphaBar64, SD15 } from './helpers.ts';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('training noise schedules', () => {
  it('scaled_linear: β linear in √β between 0.00085 and 0.012, ᾱ their running product', () => {
    const betas = betasFor(SD15);
    expect(betas[0]).toBeCloseTo(0.00085, 9);
    expect(betas[999]).toBeCloseTo(0.012, 8);
    const root = Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * 500) / 999;
    expect(rel(betas[500], root * root)).toBeLessThan(1e-6);
    const reference = alphaBar64();
    alphasCumprodFor(SD15).forEach((a, i) => {
      expect(rel(a, reference[i])).toBeLessThan(3e-6);
    });
  });

  it('gives Stable Diffusion’s published σ range 0.0292 … 14.6146', () => {
    const sigmas = trainingSigmas(alphasCumprodFor(SD15));
    expect(sigmas[0]).toBeCloseTo(0.0292, 4);
    expect(sigmas[999]).toBeCloseTo(14.6146, 4);
  });

  it('linear: DDPM’s 1e-4 … 0.02', () => {
    const betas = betasFor({ ...SD15, betaSchedule: 'linear', betaStart: 1e-4, betaEnd: 0.02 });
    for (const i of [0, 1, 333, 998, 999])
      expect(rel(betas[i], 1e-4 + ((0.02 - 1e-4) * i) / 999)).toBeLessThan(1e-6);
  });

  it('squaredcos_cap_v2: ᾱ_t = f(t+1)/f(0) with f(u) = cos²((u/N + 0.008)/1.008 · π/2), β capped at 0.999', () => {
    const config = { ...SD15, betaSchedule: 'squaredcos_cap_v2' as const };
    const alphas = alphasCumprodFor(config);
    const f = (u: number) => Math.cos(((u / 1000 + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    for (const i of [0, 10, 250, 500, 900]) expect(rel(alphas[i], f(i + 1) / f(0))).toBeLessThan(1e-5);
    expect(Math.max(...betasFor(config))).toBeCloseTo(0.999, 6);
  });
});

const ts = (
  sampler: Parameters<typeof planFor>[0],
  scheduler: Parameters<typeof planFor>[2]['scheduler'],
  steps: number,
) => Array.from(planFor(sampler, SD15, { scheduler, steps, denoise: 1 }).timesteps);

describe('timestep spacings (diffusers, SD 1.5 with steps_offset 1)', () => {
  it('leading: 50 steps give 981, 961, …, 1', () => {
    expect(ts('ddim', 'leading', 50)).toEqual(Array.from({ length: 50 }, (_, i) => 981 - 20 * i));
    expect(ts('euler', 'leading', 50)).toEqual(ts('ddim', 'leading', 50));
  });
  it('linspace: float32 values from NumPy for Euler, rounded for DDIM', () => {
    expect(ts('euler', 'linspace', 30).slice(0, 5)).toEqual([
      999.0, 964.5516967773438, 930.1034545898438, 895.6551513671875, 861.2069091796875,
    ]);
    expect(ts('ddim', 'linspace', 30).slice(0, 3)).toEqual([999, 965, 930]);
  });
  it('trailing: counts down from N − 1 by N/steps, rounded half to even', () => {
    expect(ts('euler', 'trailing', 10)).toEqual([999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
    expect(ts('ddim', 'trailing', 7)).toEqual([1000, 857, 714, 571, 429, 286, 143].map((t) => t - 1));
  });
  it('DPM-Solver: steps + 1 points, last dropped (leading with N // (steps + 1); linspace rounded)', () => {
    expect(ts('dpmpp_2m', 'leading', 20)).toEqual(Array.from({ length: 20 }, (_, i) => (20 - i) * 47 + 1));
    expect(ts('dpmpp_2m', 'linspace', 10)).toEqual([999, 899, 799, 699, 599, 500, 400, 300, 200, 100]);
  });
  it('LCM: evenly picked from the 50-step distillation schedule (published 4-step 999, 759, 499, 259)', () => {
    expect(ts('lcm', 'leading', 4)).toEqual([999, 759, 499, 259]);
    expect(ts('lcm', 'leading', 8)).toEqual([999, 879, 759, 639, 499, 379, 259, 139]);
    expect(() => ts('lcm', 'leading', 51)).toThrow(/at most 50/);
  });
});

describe('σ schedules', () => {
  const tables = trainingTables(SD15);
  const sigmaMin = tables.sigmas[0];
  const sigmaMax = tables.sigmas[999];

  it('interpolate σ over timesteps and end at 0; init noise σ is √(σ_max²+1) for leading, σ_max otherwise', () => {
    const leading = planFor('euler', SD15, { scheduler: 'leading', steps: 10, denoise: 1 });
    expect(leading.sigmas[0]).toBeCloseTo(tables.sigmas[901], 6);
    expect(leading.sigmas[10]).toBe(0);
    expect(leading.initNoiseSigma).toBeCloseTo(Math.sqrt(leading.sigmas[0] ** 2 + 1), 5);
    const linspace = planFor('euler', SD15, { scheduler: 'linspace', steps: 10, denoise: 1 });
    expect(linspace.initNoiseSigma).toBeCloseTo(sigmaMax, 6);
    const t = linspace.timesteps[1];
    const lo = Math.floor(t);
    expect(linspace.sigmas[1]).toBeCloseTo(
      tables.sigmas[lo] + (t - lo) * (tables.sigmas[lo + 1] - tables.sigmas[lo]),
      5,
    );
    expect(
      planFor('euler', SD15, { scheduler: 'trailing', steps: 10, denoise: 1 }).initNoiseSigma,
    ).toBeCloseTo(sigmaMax, 6);
  });

  it('karras: σ^(1/7) evenly spaced from σ_max to σ_min, timesteps by log-σ interpolation', () => {
    const { sigmas, timesteps } = sigmaSchedule(SD15, { scheduler: 'karras', steps: 12 });
    const roots = Array.from(sigmas.subarray(0, 12), (s) => s ** (1 / 7));
    for (let i = 1; i < 12; i++)
      expect(roots[i] - roots[i - 1]).toBeCloseTo((sigmaMin ** (1 / 7) - sigmaMax ** (1 / 7)) / 11, 5);
    expect(sigmas[12]).toBe(0);
    expect(timesteps[0]).toBeCloseTo(999, 3);
    expect(timesteps[11]).toBeCloseTo(0, 3);
    const t = timesteps[5];
    const lo = Math.floor(t);
    const logSigma =
      Math.log(tables.sigmas[lo]) +
      (t - lo) * (Math.log(tables.sigmas[lo + 1]) - Math.log(tables.sigmas[lo]));
    expect(Math.exp(logSigma)).toBeCloseTo(sigmas[5], 4);
  });

  it('exponential and geometric: constant ratio; geometric stops at σ_min (no jump to 0), custom bounds honoured', () => {
    const exp = sigmaSchedule(SD15, { scheduler: 'exponential', steps: 8 }).sigmas;
    for (let i = 1; i < 8; i++) expect(exp[i] / exp[i - 1]).toBeCloseTo((sigmaMin / sigmaMax) ** (1 / 7), 5);
    expect(exp[8]).toBe(0);
    const geo = sigmaSchedule(SD15, {
      scheduler: 'geometric',
      steps: 10,
      sigmaMin: 0.01,
      sigmaMax: 50,
    }).sigmas;
    expect(geo.length).toBe(11);
    expect(geo[0]).toBeCloseTo(50, 4);
    expect(geo[10]).toBeCloseTo(0.01, 6);
    for (let i = 1; i <= 10; i++) expect(geo[i] / geo[i - 1]).toBeCloseTo((0.01 / 50) ** (1 / 10), 5);
  });

  it('simple, ddim_uniform, normal and sgm_uniform follow their ComfyUI definitions', () => {
    const simple = sigmaSchedule(SD15, { scheduler: 'simple', steps: 8 }).sigmas;
    Array.from(simple.subarray(0, 8)).forEach((s, i) => {
      expect(s).toBeCloseTo(tables.sigmas[999 - i * 125], 6);
    });
    const ddimUniform = sigmaSchedule(SD15, { scheduler: 'ddim_uniform', steps: 20 }).sigmas;
    expect(ddimUniform.length).toBe(21);
    Array.from(ddimUniform.subarray(0, 20)).forEach((s, i) => {
      expect(s).toBeCloseTo(tables.sigmas[951 - 50 * i], 6);
    });
    const normal = sigmaSchedule(SD15, { scheduler: 'normal', steps: 4 });
    expect(Array.from(normal.sigmas.subarray(0, 4)).map((s) => sigmaToT(s, tables.logSigmas))).toEqual(
      [999, 666, 333, 0].map((t) => expect.closeTo(t, 3)),
    );
    const sgm = sigmaSchedule(SD15, { scheduler: 'sgm_uniform', steps: 4 });
    expect(Array.from(sgm.timesteps)).toEqual([999, 749.25, 499.5, 249.75].map((t) => expect.closeTo(t, 2)));
    for (const schedule of [simple, ddimUniform, normal.sigmas, sgm.sigmas]) {
      for (let i = 1; i < schedule.length; i++) expect(schedule[i]).toBeLessThan(schedule[i - 1]);
    }
  });

  it('σ → t inverts the training table at whole timesteps', () => {
    for (const t of [0, 1, 250, 731, 998, 999])
      expect(sigmaToT(tables.sigmas[t], tables.logSigmas)).toBeCloseTo(t, 4);
  });
});

describe('denoise < 1 keeps the tail (diffusers img2img: int(steps · strength) steps)', () => {
  it('keeps int(steps·denoise) steps, truncating like Python int()', () => {
    expect(keptSteps(10, 0.5)).toBe(5);
    expect(keptSteps(100, 0.29)).toBe(28); // 0.29·100 = 28.999999999999996
    expect(keptSteps(50, 0.3)).toBe(15);
    expect(keptSteps(4, 0.2)).toBe(0);
  });
  it('slices the full schedule, for every sampler class', () => {
    for (const sampler of ['euler', 'heun', 'ddim', 'ddpm', 'dpmpp_2m'] as const) {
      const full = planFor(sampler, SD15, { scheduler: 'leading', steps: 10, denoise: 1 });
      const tail = planFor(sampler, SD15, { scheduler: 'leading', steps: 10, denoise: 0.5 });
      expect(Array.from(tail.timesteps)).toEqual(Array.from(full.timesteps.subarray(5)));
      expect(Array.from(tail.sigmas)).toEqual(Array.from(full.sigmas.subarray(5)));
    }
  });
});

describe('LMS coefficients', () => {
  const sigmas = [14.6, 9.1, 5.5, 3.2, 1.7, 0.8, 0];
  /** Composite Simpson on 2000 panels: an independent numeric integral. */
  function simpson(f: (x: number) => number, a: number, b: number, n = 2000): number {
    const h = (b - a) / n;
    let sum = f(a) + f(b);
    for (let i = 1; i < n; i++) sum += (i % 2 ? 4 : 2) * f(a + i * h);
    return (sum * h) / 3;
  }
  it('integrate the Lagrange basis exactly', () => {
    for (const [i, order] of [
      [0, 1],
      [2, 3],
      [5, 4],
    ]) {
      for (let j = 0; j < order; j++) {
        const basis = (tau: number) => {
          let p = 1;
          for (let k = 0; k < order; k++)
            if (k !== j) p *= (tau - sigmas[i - k]) / (sigmas[i - j] - sigmas[i - k]);
          return p;
        };
        expect(lmsCoefficient(sigmas, i, order, j)).toBeCloseTo(simpson(basis, sigmas[i], sigmas[i + 1]), 9);
      }
    }
  });
  it('sum to the step length σ_{i+1} − σ_i (the basis is a partition of unity)', () => {
    const total = [0, 1, 2, 3].reduce((a, j) => a + lmsCoefficient(sigmas, 4, 4, j), 0);
    expect(total).toBeCloseTo(sigmas[5] - sigmas[4], 12);
  });
});

describe('HeunDiscreteScheduler layout', () => {
  it('doubles the interior timesteps and sigmas (2·steps − 1 model calls)', () => {
    const plan = planFor('heun', SD15, { scheduler: 'leading', steps: 4, denoise: 1 });
    const { timesteps, sigmas } = diffusersArrays('heun', plan);
    expect(timesteps).toEqual([751, 501, 501, 251, 251, 1, 1]);
    const s = Array.from(plan.sigmas);
    expect(sigmas).toEqual([s[0], s[1], s[1], s[2], s[2], s[3], s[3], 0]);
  });
});
