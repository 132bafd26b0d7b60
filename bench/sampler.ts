// Sampler arithmetic per step on a [2, 4, 128, 128] latent (1024×1024 pixels, batch 2) with a
// zero-cost mock model and cfg 7.5 (one batch-4 call per step), so only the sampler's own work is
// timed: input scaling, guidance, conversion to x₀, the update, fresh noise where the sampler draws
// it, and a preview every 3 steps. Target: under 1 ms a step. The seeded noise alone is also timed
// against the previous generator (bench/noise-baseline.ts) in the same run. Run: npx tsx bench/sampler.ts

import { GaussianStream } from '../nodes/math/noise.ts';
import type { SamplerName } from '../nodes/math/plan.ts';
import { sample } from '../nodes/math/sample.ts';
import { buildSchedule } from '../nodes/schedule.ts';
import { SD_DENOISER_CONFIG } from '../nodes/sd-constants.ts';
import type { Denoiser } from '../nodes/types.ts';
import { BoxMullerStream } from './noise-baseline.ts';

const SHAPE = [2, 4, 128, 128];
const SIZE = SHAPE.reduce((a, b) => a * b, 1);
const STEPS = 30;
const ROUNDS = 5;

// The model hands back the same preallocated output every call: no model cost, no allocation.
const modelOutput = new Float32Array(2 * SIZE).map((_, i) => Math.sin(i) * 0.5);
const model: Denoiser = {
  kind: 'denoiser',
  name: 'zero-cost',
  config: SD_DENOISER_CONFIG,
  channels: 4,
  batch: 'dynamic',
  conditional: true,
  predict: async () => modelOutput,
};
const conditioning = { data: new Float32Array(77 * 768), shape: [1, 77, 768] };

async function msPerStep(sampler: SamplerName): Promise<number> {
  const schedule = buildSchedule(model, {
    scheduler: sampler === 'lcm' ? 'leading' : 'karras',
    steps: sampler === 'lcm' ? 8 : STEPS,
    denoise: 1,
  });
  const latent = { data: new Float32Array(SIZE), shape: SHAPE };
  const options = {
    denoiser: model,
    schedule,
    latent,
    sampler,
    cfg: 7.5,
    seed: 1,
    eta: 0,
    addNoise: false,
    positive: conditioning,
    negative: conditioning,
    onProgress() {},
  };
  await sample(options); // warm up the JIT
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    const result = await sample(options);
    const steps = result.plan.timesteps.length * (sampler === 'heun' ? 2 : 1) - (sampler === 'heun' ? 1 : 0);
    best = Math.min(best, (performance.now() - start) / steps);
  }
  return best;
}

/** The floor: one fused pass x ← x + c·y over the latent. */
function axpyMs(): number {
  const x = new Float32Array(SIZE);
  const y = new Float32Array(SIZE).fill(0.5);
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 50; r++) {
    const start = performance.now();
    for (let i = 0; i < SIZE; i++) x[i] = x[i] + 0.1 * y[i];
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** Best time to fill one latent with noise from `stream`. */
function noiseMs(stream: { fill(out: Float32Array): void }): number {
  const out = new Float32Array(SIZE);
  stream.fill(out);
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 20; r++) {
    const start = performance.now();
    stream.fill(out);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** Latent-sized Float32Arrays created during one run (counted by wrapping the constructor). */
async function latentAllocations(sampler: SamplerName, steps: number): Promise<number> {
  const Original = globalThis.Float32Array;
  let count = 0;
  class Counting extends Original {
    constructor(...args: ConstructorParameters<typeof Float32Array>) {
      super(...(args as unknown as [number]));
      if (this.length >= SIZE) count += 1;
    }
  }
  globalThis.Float32Array = Counting as typeof Float32Array;
  try {
    const schedule = buildSchedule(model, { scheduler: 'karras', steps, denoise: 1 });
    const latent = { data: new Original(SIZE), shape: SHAPE };
    await sample({
      denoiser: model,
      schedule,
      latent,
      sampler,
      cfg: 7.5,
      seed: 1,
      eta: 0,
      addNoise: false,
      positive: conditioning,
      negative: conditioning,
    });
  } finally {
    globalThis.Float32Array = Original;
  }
  return count;
}

const floor = axpyMs();
console.log(
  `latent [${SHAPE.join(', ')}] = ${SIZE} values (${(SIZE * 4) / 1024} KiB), cfg 7.5, zero-cost model; best of ${ROUNDS}`,
);
const noise = noiseMs(new GaussianStream(1));
const baseline = noiseMs(new BoxMullerStream(1));
console.log(`floor: one x += c·y pass ${floor.toFixed(3)} ms`);
console.log(
  `noise for the latent: Philox + ziggurat ${noise.toFixed(3)} ms; previous Philox + Box-Muller ${baseline.toFixed(3)} ms (${(baseline / noise).toFixed(1)}× faster)`,
);
console.log(
  'sampler            ms/step   × floor   target 1 ms   latent-sized buffers per run (5 / 20 steps)',
);
const SAMPLERS: SamplerName[] = [
  'euler',
  'heun',
  'lms',
  'dpmpp_2m',
  'ddim',
  'euler_ancestral',
  'dpmpp_2m_sde',
  'ddpm',
  'lcm',
];
const timings = new Map<SamplerName, number>();
for (const sampler of SAMPLERS) timings.set(sampler, await msPerStep(sampler));
// counted after timing: swapping the constructor slows typed-array code that runs afterwards
for (const sampler of SAMPLERS) {
  const ms = timings.get(sampler) ?? Number.NaN;
  const buffers =
    sampler === 'lcm'
      ? '-'
      : `${await latentAllocations(sampler, 5)} / ${await latentAllocations(sampler, 20)}`;
  const verdict = ms < 1 ? 'ok' : 'over';
  console.log(
    `${sampler.padEnd(18)} ${ms.toFixed(3).padStart(7)}   ${(ms / floor).toFixed(1).padStart(7)}   ${verdict.padEnd(11)}   ${buffers}`,
  );
}
