// Sampler: MODEL + SCHEDULE + LATENT (+ conditioning) → LATENT. The math lives in nodes/math/.
import { defineNode, type NodeDefinition, NodeInputError } from './api.ts';
import { asDenoiser, asLatent } from './inputs.ts';
import { SAMPLERS, type SamplerName } from './math/plan.ts';
import { sample } from './math/sample.ts';
import { fitContextLength } from './math/sequence-tiling.ts';
import type { Conditioning, Schedule } from './types.ts';

export const samplingNodes: NodeDefinition[] = [
  defineNode({
    type: 'Sampler',
    displayName: 'Sampler',
    category: 'sampling',
    description:
      'Denoises a latent along a schedule. With add_noise it starts from seeded noise (txt2img, or img2img when the schedule’s denoise < 1); without, the latent is taken as already noisy (√ᾱ·x₀ + √(1−ᾱ)·n at the first step, as AddNoise makes). Unconditional models take no conditioning.',
    inputs: [
      { name: 'model', type: 'MODEL' },
      { name: 'schedule', type: 'SCHEDULE' },
      { name: 'latent', type: 'LATENT' },
      { name: 'positive', type: 'CONDITIONING', optional: true },
      { name: 'negative', type: 'CONDITIONING', optional: true },
    ],
    widgets: [
      { name: 'sampler', kind: 'enum', default: 'euler', options: SAMPLERS },
      {
        name: 'cfg',
        kind: 'float',
        default: 7.5,
        min: 0,
        max: 100,
        step: 0.1,
        description: 'Classifier-free guidance scale; 1 = no unconditional pass',
      },
      { name: 'seed', kind: 'seed', default: 0, control: 'randomize' },
      {
        name: 'eta',
        kind: 'float',
        default: 0,
        min: 0,
        max: 1,
        step: 0.01,
        description: 'DDIM η: 0 deterministic, 1 DDPM-like noise',
        visibleWhen: { widget: 'sampler', oneOf: ['ddim'] },
      },
      { name: 'add_noise', kind: 'boolean', default: true },
      {
        name: 'leftover_noise',
        kind: 'boolean',
        default: false,
        description:
          'When the schedule ends before its last step: keep the noise left there for a next Sampler (ComfyUI’s return_with_leftover_noise); off = finish denoising at that step',
      },
      {
        name: 'langevin_steps',
        kind: 'int',
        default: 10,
        min: 1,
        max: 1000,
        description: 'annealed_langevin: steps per noise level',
        visibleWhen: { widget: 'sampler', oneOf: ['annealed_langevin'] },
      },
      {
        name: 'step_size',
        kind: 'float',
        default: 0.5,
        min: 0.000001,
        max: 2,
        step: 0.01,
        description: 'Langevin step size as a fraction of σ²',
        visibleWhen: { widget: 'sampler', oneOf: ['langevin', 'annealed_langevin'] },
      },
    ],
    outputs: [{ name: 'latent', type: 'LATENT' }],
    run: async (ctx, inputs) => {
      const denoiser = asDenoiser(inputs.model);
      const schedule = inputs.schedule as Schedule | undefined;
      if (!schedule?.timesteps)
        throw new NodeInputError('schedule', 'expected a SCHEDULE from NoiseSchedule');
      const latent = asLatent(inputs.latent);
      if (latent.shape[1] !== denoiser.channels) {
        throw new NodeInputError(
          'latent',
          `latent has ${latent.shape[1]} channels but model '${denoiser.name}' expects ${denoiser.channels}`,
        );
      }
      if (schedule.config && JSON.stringify(schedule.config) !== JSON.stringify(denoiser.config)) {
        ctx.warn(
          `schedule was built for another model's noise schedule; sampling re-plans it for '${denoiser.name}'`,
        );
      }
      const sampler = inputs.sampler as SamplerName;
      if (!SAMPLERS.includes(sampler))
        throw new NodeInputError(
          'sampler',
          `unknown sampler '${sampler}'; expected one of ${SAMPLERS.join(', ')}`,
        );
      const positive = fitContextLength(ctx, denoiser, inputs.positive as Conditioning | undefined);
      const negative = fitContextLength(ctx, denoiser, inputs.negative as Conditioning | undefined);
      if (!denoiser.conditional && (positive || negative)) {
        ctx.warn(`model '${denoiser.name}' is unconditional: conditioning ignored`);
      }
      const result = await sample({
        denoiser,
        schedule,
        latent,
        sampler,
        cfg: inputs.cfg as number,
        seed: inputs.seed as number,
        eta: inputs.eta as number,
        addNoise: inputs.add_noise as boolean,
        leftoverNoise: inputs.leftover_noise === true,
        positive: denoiser.conditional ? positive : undefined,
        negative: denoiser.conditional ? negative : undefined,
        langevinSteps: inputs.langevin_steps as number,
        langevinStepSize: inputs.step_size as number,
        signal: ctx.signal,
        onProgress: (step, total, preview) => ctx.progress(step, total, preview),
      });
      return { latent: result.latent };
    },
  }),
];
