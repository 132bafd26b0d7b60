// Mapped ComfyUI sampling classes. ComfyUI's KSampler is Diffgraph's NoiseSchedule + Sampler pair:
// the sampler keeps the ComfyUI id, the schedule gets `<id>.schedule`. The custom-sampling family
// (KSamplerSelect, RandomNoise, CFGGuider) is folded into the sampler that uses it (see fold.ts).
import type { ClassSpec, Mapping, Part } from './types.ts';
import { flag, num, samplerName, schedulerName, seedControl, UnmappableError } from './values.ts';

export const SCHEDULE_SUFFIX = '.schedule';

function samplerPart(values: Record<string, unknown>, seedName: string, addNoise: boolean): Part {
  const part: Part = {
    suffix: '',
    type: 'Sampler',
    widgets: {
      sampler: samplerName(values),
      cfg: num(values, 'cfg'),
      seed: num(values, seedName),
      add_noise: addNoise,
    },
  };
  const control = seedControl(values.control_after_generate);
  if (control) part.seedControl = { seed: control };
  return part;
}

function schedulePart(widgets: Record<string, unknown>): Part {
  return { suffix: SCHEDULE_SUFFIX, type: 'NoiseSchedule', widgets };
}

/** The sampler + schedule pair, wired together, with the ComfyUI sockets of a KSampler. */
function pair(sampler: Part, schedule: Part, seedName: string): Mapping {
  return {
    parts: [sampler, schedule],
    inputs: {
      model: [
        ['', 'model'],
        [SCHEDULE_SUFFIX, 'model'],
      ],
      positive: [['', 'positive']],
      negative: [['', 'negative']],
      latent_image: [['', 'latent']],
      [seedName]: [['', 'seed']],
      steps: [[SCHEDULE_SUFFIX, 'steps']],
      cfg: [['', 'cfg']],
      denoise: [[SCHEDULE_SUFFIX, 'denoise']],
    },
    outputs: [['', 'latent']],
    internal: [{ from: [SCHEDULE_SUFFIX, 'schedule'], to: ['', 'schedule'] }],
  };
}

function kSampler(values: Record<string, unknown>): Mapping {
  const schedule = schedulePart({
    scheduler: schedulerName(values),
    steps: num(values, 'steps'),
    denoise: num(values, 'denoise'),
  });
  return pair(samplerPart(values, 'seed', true), schedule, 'seed');
}

/** The step range rides on the schedule (start/end step), the leftover-noise choice on the sampler. */
function kSamplerAdvanced(values: Record<string, unknown>): Mapping {
  const schedule = schedulePart({
    scheduler: schedulerName(values),
    steps: num(values, 'steps'),
    denoise: 1,
    start_at_step: step(values, 'start_at_step'),
    end_at_step: step(values, 'end_at_step'),
  });
  const sampler = samplerPart(values, 'noise_seed', flag(values, 'add_noise'));
  sampler.widgets.leftover_noise = flag(values, 'return_with_leftover_noise');
  const mapping = pair(sampler, schedule, 'noise_seed');
  mapping.inputs.start_at_step = [[SCHEDULE_SUFFIX, 'start_at_step']];
  mapping.inputs.end_at_step = [[SCHEDULE_SUFFIX, 'end_at_step']];
  return mapping;
}

/** A step number: a whole number ≥ 0 (ComfyUI allows up to 10000). */
function step(values: Record<string, unknown>, name: string): number {
  const value = num(values, name);
  if (!Number.isInteger(value) || value < 0)
    throw new UnmappableError(`widget "${name}" should be a whole step number ≥ 0, got ${value}`);
  return value;
}

/** SamplerCustom after folding: `sampler_name` comes from its KSamplerSelect. */
function samplerCustom(values: Record<string, unknown>): Mapping {
  if (values.sampler_name === undefined)
    throw new UnmappableError('its "sampler" input is not a KSamplerSelect node, so the sampler is unknown');
  return {
    parts: [samplerPart(values, 'noise_seed', flag(values, 'add_noise'))],
    inputs: {
      model: [['', 'model']],
      positive: [['', 'positive']],
      negative: [['', 'negative']],
      sigmas: [['', 'schedule']],
      latent_image: [['', 'latent']],
      noise_seed: [['', 'seed']],
      cfg: [['', 'cfg']],
    },
    outputs: [['', 'latent'], null],
  };
}

function scheduleOnly(widgets: Record<string, unknown>, withModel: boolean): Mapping {
  return {
    parts: [{ suffix: '', type: 'NoiseSchedule', widgets }],
    inputs: withModel ? { model: [['', 'model']], steps: [['', 'steps']] } : { steps: [['', 'steps']] },
    outputs: [['', 'schedule']],
  };
}

const folded = (what: string) => () =>
  `Diffgraph has no separate ${what} node; it is folded into the sampler only when a SamplerCustom(Advanced) uses it`;

export const SAMPLING_CLASSES: Record<string, ClassSpec> = {
  KSampler: {
    widgets: ['seed', 'control_after_generate', 'steps', 'cfg', 'sampler_name', 'scheduler', 'denoise'],
    sockets: ['model', 'positive', 'negative', 'latent_image'],
    outputs: ['LATENT'],
    map: kSampler,
  },
  KSamplerAdvanced: {
    widgets: [
      'add_noise',
      'noise_seed',
      'control_after_generate',
      'steps',
      'cfg',
      'sampler_name',
      'scheduler',
      'start_at_step',
      'end_at_step',
      'return_with_leftover_noise',
    ],
    sockets: ['model', 'positive', 'negative', 'latent_image'],
    outputs: ['LATENT'],
    map: kSamplerAdvanced,
  },
  SamplerCustom: {
    widgets: ['add_noise', 'noise_seed', 'control_after_generate', 'cfg'],
    sockets: ['model', 'positive', 'negative', 'sampler', 'sigmas', 'latent_image'],
    outputs: ['output', 'denoised_output'],
    map: samplerCustom,
  },
  SamplerCustomAdvanced: {
    widgets: [],
    sockets: ['noise', 'guider', 'sampler', 'sigmas', 'latent_image'],
    outputs: ['output', 'denoised_output'],
    map: (values) => {
      if (values.noise_seed === undefined || values.cfg === undefined)
        throw new UnmappableError('its noise and guider inputs must be RandomNoise and CFGGuider nodes');
      return samplerCustom(values);
    },
  },
  BasicScheduler: {
    widgets: ['scheduler', 'steps', 'denoise'],
    sockets: ['model'],
    outputs: ['SIGMAS'],
    map: (values) =>
      scheduleOnly(
        { scheduler: schedulerName(values), steps: num(values, 'steps'), denoise: num(values, 'denoise') },
        true,
      ),
  },
  KarrasScheduler: {
    widgets: ['steps', 'sigma_max', 'sigma_min', 'rho'],
    sockets: [],
    outputs: ['SIGMAS'],
    map: (values) => {
      if (num(values, 'rho') !== 7)
        throw new UnmappableError(`rho ${values.rho}: Diffgraph's karras schedule uses rho = 7`);
      const widgets = { scheduler: 'karras', steps: num(values, 'steps'), denoise: 1 };
      return scheduleOnly(
        { ...widgets, sigma_min: num(values, 'sigma_min'), sigma_max: num(values, 'sigma_max') },
        false,
      );
    },
  },
  ExponentialScheduler: {
    widgets: ['steps', 'sigma_max', 'sigma_min'],
    sockets: [],
    outputs: ['SIGMAS'],
    map: (values) =>
      scheduleOnly(
        {
          scheduler: 'exponential',
          steps: num(values, 'steps'),
          denoise: 1,
          sigma_min: num(values, 'sigma_min'),
          sigma_max: num(values, 'sigma_max'),
        },
        false,
      ),
  },
  KSamplerSelect: {
    widgets: ['sampler_name'],
    sockets: [],
    outputs: ['SAMPLER'],
    map: folded('sampler choice'),
  },
  RandomNoise: {
    widgets: ['noise_seed', 'control_after_generate'],
    sockets: [],
    outputs: ['NOISE'],
    map: folded('noise'),
  },
  CFGGuider: {
    widgets: ['cfg'],
    sockets: ['model', 'positive', 'negative'],
    outputs: ['GUIDER'],
    map: folded('guider'),
  },
};
