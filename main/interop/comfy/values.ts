// Reading ComfyUI widget values with the type each widget needs; a wrong type says which widget.
import { mapName } from './names.ts';

/** A value that cannot be mapped: the node stays a placeholder with this message as the reason. */
export class UnmappableError extends Error {}

export function num(values: Record<string, unknown>, name: string): number {
  const value = values[name];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new UnmappableError(`widget "${name}" should be a number, got ${JSON.stringify(value)}`);
}

export function str(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value === 'string') return value;
  throw new UnmappableError(`widget "${name}" should be text, got ${JSON.stringify(value)}`);
}

/** ComfyUI writes "enable"/"disable" (KSamplerAdvanced) or booleans (SamplerCustom). */
export function flag(values: Record<string, unknown>, name: string): boolean {
  const value = values[name];
  if (typeof value === 'boolean') return value;
  if (value === 'enable' || value === 'disable') return value === 'enable';
  throw new UnmappableError(`widget "${name}" should be enable/disable, got ${JSON.stringify(value)}`);
}

export function samplerName(values: Record<string, unknown>, name = 'sampler_name'): string {
  const result = mapName('sampler', values[name]);
  if (!result.ok) throw new UnmappableError(result.reason);
  return result.name;
}

export function schedulerName(values: Record<string, unknown>, name = 'scheduler'): string {
  const result = mapName('scheduler', values[name]);
  if (!result.ok) throw new UnmappableError(result.reason);
  return result.name;
}

const SEED_CONTROLS = new Set(['fixed', 'increment', 'decrement', 'randomize']);

/** `control_after_generate`: the four modes; old frontends stored true (randomize) / false (fixed). */
export function seedControl(value: unknown): string | undefined {
  if (typeof value === 'string' && SEED_CONTROLS.has(value)) return value;
  if (value === true) return 'randomize';
  if (value === false) return 'fixed';
  return undefined;
}
