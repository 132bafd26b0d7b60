// NoiseSchedule: MODEL → SCHEDULE. Builds the timesteps and noise levels for the chosen scheduler;
// the Sampler re-derives its own diffusers class's variant from the same settings (nodes/math/plan.ts).
import { defineNode, type NodeDefinition, NodeInputError } from './api.ts';
import { asDenoiser } from './inputs.ts';
import { keptSteps, planFor } from './math/plan.ts';
import { isSpacing, SCHEDULERS, type SchedulerName, trainingTables } from './math/schedules.ts';
import type { Denoiser, Schedule } from './types.ts';

export interface ScheduleWidgets {
  scheduler: SchedulerName;
  steps: number;
  denoise: number;
  sigmaMin?: number;
  sigmaMax?: number;
  /** ComfyUI's start_at_step / end_at_step: the part of the steps a Sampler runs. */
  startStep?: number;
  endStep?: number;
}

function checkStep(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 0))
    throw new NodeInputError(name, `expected a whole step number ≥ 0, got ${value}`);
}

/** The SCHEDULE value for a model and widget values (also used directly by tests and the CLI). */
export function buildSchedule(model: Denoiser, widgets: ScheduleWidgets): Schedule {
  const { scheduler, steps, denoise } = widgets;
  const config = model.config;
  if (!SCHEDULERS.includes(scheduler))
    throw new NodeInputError(
      'scheduler',
      `unknown scheduler '${scheduler}'; expected one of ${SCHEDULERS.join(', ')}`,
    );
  if (!Number.isInteger(steps) || steps < 1)
    throw new NodeInputError('steps', `expected a whole number of steps ≥ 1, got ${steps}`);
  if (isSpacing(scheduler) && steps > config.numTrainTimesteps) {
    throw new NodeInputError(
      'steps',
      `${scheduler} spacing takes at most ${config.numTrainTimesteps} steps (the model's training timesteps), got ${steps}`,
    );
  }
  if (!(denoise > 0 && denoise <= 1))
    throw new NodeInputError('denoise', `expected denoise in (0, 1], got ${denoise}`);
  if (keptSteps(steps, denoise) === 0) {
    throw new NodeInputError(
      'denoise',
      `denoise ${denoise} of ${steps} steps keeps no step; raise denoise or steps`,
    );
  }
  const sigmaMin = widgets.sigmaMin || undefined;
  const sigmaMax = widgets.sigmaMax || undefined;
  if (sigmaMin !== undefined && sigmaMax !== undefined && sigmaMin >= sigmaMax) {
    throw new NodeInputError('sigma_min', `sigma_min (${sigmaMin}) must be below sigma_max (${sigmaMax})`);
  }
  checkStep('start_at_step', widgets.startStep);
  checkStep('end_at_step', widgets.endStep);
  const plan = planFor('euler', config, { scheduler, steps, denoise, sigmaMin, sigmaMax });
  return {
    ...(widgets.startStep ? { startStep: widgets.startStep } : {}),
    ...(widgets.endStep !== undefined && widgets.endStep < steps ? { endStep: widgets.endStep } : {}),
    scheduler,
    timesteps: plan.timesteps,
    sigmas: plan.sigmas,
    alphasCumprod: trainingTables(config).alphasCumprod,
    denoise,
    initNoiseSigma: plan.initNoiseSigma,
    steps,
    sigmaMin,
    sigmaMax,
    config,
  };
}

export const scheduleNodes: NodeDefinition[] = [
  defineNode({
    type: 'NoiseSchedule',
    displayName: 'Noise Schedule',
    category: 'sampling',
    description:
      'Timesteps and noise levels for a sampler. leading/trailing/linspace are diffusers’ timestep spacings; karras, exponential, sgm_uniform, simple, ddim_uniform, normal follow k-diffusion/ComfyUI; geometric is the NCSN sequence for annealed Langevin. denoise < 1 keeps the last part of the schedule (img2img); start/end step run only part of it (ComfyUI’s KSamplerAdvanced).',
    inputs: [{ name: 'model', type: 'MODEL' }],
    widgets: [
      { name: 'scheduler', kind: 'enum', default: 'leading', options: SCHEDULERS },
      { name: 'steps', kind: 'int', default: 20, min: 1, max: 1000 },
      { name: 'denoise', kind: 'float', default: 1, min: 0.01, max: 1, step: 0.01, slider: true },
      {
        name: 'sigma_min',
        kind: 'float',
        default: 0,
        min: 0,
        max: 1000,
        step: 0.001,
        description: 'Smallest σ for karras/exponential/geometric; 0 = the model’s own',
      },
      {
        name: 'sigma_max',
        kind: 'float',
        default: 0,
        min: 0,
        max: 1000,
        step: 0.01,
        description: 'Largest σ for karras/exponential/geometric; 0 = the model’s own',
      },
      {
        name: 'start_at_step',
        kind: 'int',
        default: 0,
        min: 0,
        max: 10000,
        description: 'First step the Sampler runs (ComfyUI’s KSamplerAdvanced); earlier steps are skipped',
      },
      {
        name: 'end_at_step',
        kind: 'int',
        default: 10000,
        min: 0,
        max: 10000,
        description: 'Step the Sampler stops at; at or past the step count = run to the end',
      },
    ],
    outputs: [{ name: 'schedule', type: 'SCHEDULE' }],
    run: async (_ctx, inputs) => ({
      schedule: buildSchedule(asDenoiser(inputs.model), {
        scheduler: inputs.scheduler as SchedulerName,
        steps: inputs.steps as number,
        denoise: inputs.denoise as number,
        sigmaMin: inputs.sigma_min as number,
        sigmaMax: inputs.sigma_max as number,
        startStep: inputs.start_at_step as number | undefined,
        endStep: inputs.end_at_step as number | undefined,
      }),
    }),
  }),
];
