// ComfyUI's sampler and scheduler names against Diffgraph's. A name we do not have is reported by
// the caller, never swapped for a near one: a different sampler is a different image.

/** ComfyUI `sampler_name` → Diffgraph `Sampler.sampler` (identical algorithms, same names). */
export const SAMPLER_NAMES: Readonly<Record<string, string>> = {
  euler: 'euler',
  euler_ancestral: 'euler_ancestral',
  heun: 'heun',
  lms: 'lms',
  dpmpp_2m: 'dpmpp_2m',
  dpmpp_2m_sde: 'dpmpp_2m_sde',
  ddpm: 'ddpm',
  ddim: 'ddim',
  lcm: 'lcm',
};

/** ComfyUI `scheduler` → Diffgraph `NoiseSchedule.scheduler`. */
export const SCHEDULER_NAMES: Readonly<Record<string, string>> = {
  normal: 'normal',
  karras: 'karras',
  exponential: 'exponential',
  sgm_uniform: 'sgm_uniform',
  simple: 'simple',
  ddim_uniform: 'ddim_uniform',
};

function inverse(map: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(map).map(([comfy, ours]) => [ours, comfy]));
}

export const SAMPLER_NAMES_BACK = inverse(SAMPLER_NAMES);
export const SCHEDULER_NAMES_BACK = inverse(SCHEDULER_NAMES);

/** Our name for a ComfyUI name, or a reason it has none. */
export function mapName(
  kind: 'sampler' | 'scheduler',
  value: unknown,
): { ok: true; name: string } | { ok: false; reason: string } {
  const table = kind === 'sampler' ? SAMPLER_NAMES : SCHEDULER_NAMES;
  if (typeof value === 'string' && Object.hasOwn(table, value)) return { ok: true, name: table[value] };
  return {
    ok: false,
    reason: `${kind} ${JSON.stringify(value)} has no Diffgraph equivalent (Diffgraph has: ${Object.keys(table).join(', ')})`,
  };
}
