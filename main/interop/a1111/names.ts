// A1111/Forge sampler and schedule-type names → ComfyUI's (which the ComfyUI mapping then maps
// to Diffgraph's). Older A1111 folds the schedule into the sampler name ("DPM++ 2M Karras").

const SAMPLERS: Record<string, string> = {
  Euler: 'euler',
  'Euler a': 'euler_ancestral',
  Heun: 'heun',
  LMS: 'lms',
  'DPM++ 2M': 'dpmpp_2m',
  'DPM++ 2M SDE': 'dpmpp_2m_sde',
  DDIM: 'ddim',
  DDPM: 'ddpm',
  LCM: 'lcm',
};

const SCHEDULES: Record<string, string> = {
  Karras: 'karras',
  Exponential: 'exponential',
  'SGM Uniform': 'sgm_uniform',
  Simple: 'simple',
  Normal: 'normal',
  DDIM: 'ddim_uniform',
};

/**
 * ComfyUI sampler and scheduler names for A1111's `Sampler` and `Schedule type`. A name with no
 * equivalent is passed on as written, so the mapping reports it instead of choosing another.
 */
export function a1111SamplerNames(
  sampler: string,
  scheduleType: string | undefined,
): { sampler: string; scheduler: string; notes: string[] } {
  const notes: string[] = [];
  let name = sampler.trim();
  let scheduler = 'normal';
  for (const [suffix, comfy] of Object.entries(SCHEDULES)) {
    if (name.endsWith(` ${suffix}`) && SAMPLERS[name.slice(0, -suffix.length - 1)]) {
      name = name.slice(0, -suffix.length - 1);
      scheduler = comfy;
    }
  }
  if (scheduleType && scheduleType !== 'Automatic') scheduler = SCHEDULES[scheduleType] ?? scheduleType;
  if (scheduleType === 'Automatic') notes.push('Schedule type "Automatic" was taken as "normal"');
  return { sampler: SAMPLERS[name] ?? name, scheduler, notes };
}
