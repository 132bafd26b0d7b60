// Samplers fuse the guidance combine u + cfg·(c − u) into their update pass. Each guided run must
// give, bit for bit, the latent of a plain run whose model returns that combination itself
// (computed here in float64 and stored as float32, as a separate combine pass would store it).
import { describe, expect, it } from 'vitest';
import { SAMPLERS } from '../../../nodes/math/plan.ts';
import { sample } from '../../../nodes/math/sample.ts';
import { buildSchedule } from '../../../nodes/schedule.ts';
import type { Conditioning, Denoiser, PredictionType } from '../../../nodes/types.ts';
import { nonlinearDenoiser, rampLatent } from './helpers.ts';

const CFG = 7.5;
const cond = (value: number, batch: number): Conditioning => ({
  data: new Float32Array(batch * 77 * 8).fill(value),
  shape: [batch, 77, 8],
});

/** An unconditional model returning the guided output of `inner` for the two conditionings. */
function preGuided(inner: Denoiser, negative: Conditioning, positive: Conditioning): Denoiser {
  return {
    ...inner,
    conditional: false,
    async predict(x, t) {
      const u = await inner.predict(x, t, negative);
      const c = await inner.predict(x, t, positive);
      const scale = Math.fround(CFG);
      return u.map((v, i) => v + scale * (c[i] - v));
    },
  };
}

describe('guidance fused into the sampler passes', () => {
  for (const predictionType of ['epsilon', 'v_prediction'] as PredictionType[]) {
    for (const sampler of SAMPLERS) {
      it(`${sampler} (${predictionType}) equals combining first`, async () => {
        const batch = 2;
        const model = nonlinearDenoiser({ conditional: true, config: { predictionType } });
        const plain = preGuided(
          nonlinearDenoiser({ config: { predictionType } }),
          cond(-1, batch),
          cond(1, batch),
        );
        const scheduler = sampler === 'lcm' ? 'leading' : 'karras';
        const schedule = buildSchedule(model, { scheduler, steps: 5, denoise: 1 });
        const common = {
          schedule,
          latent: rampLatent([batch, 4, 6, 6], 0.5),
          sampler,
          seed: 11,
          eta: 0.6,
          addNoise: true,
          langevinSteps: 2,
        };
        const guided = await sample({
          ...common,
          denoiser: model,
          cfg: CFG,
          positive: cond(1, 1),
          negative: cond(-1, 1),
        });
        const reference = await sample({ ...common, denoiser: plain, cfg: 1 });
        expect(guided.modelCalls.every((b) => b === 2 * batch)).toBe(true);
        expect(Array.from(guided.latent.data)).toEqual(Array.from(reference.latent.data));
      });
    }
  }
});
