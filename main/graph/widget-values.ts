// Widget values: checking a stored value against its widget spec, parsing text typed on the
// command line (`--set sampler.steps=30`), and filling in defaults for widgets a file omits.
import type { NodeDefinition, WidgetSpec } from '../../nodes/api.ts';

/** Seeds are whole numbers that survive JSON and float64 exactly. */
export const SEED_MIN = 0;
export const SEED_MAX = Number.MAX_SAFE_INTEGER;

/** Why `value` is not acceptable for the widget, or null when it is. */
export function checkWidgetValue(spec: WidgetSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value))
        return `expected a whole number, got ${show(value)}`;
      return checkRange(value, spec.min, spec.max) ?? checkStep(value, spec.min, spec.step);
    case 'seed':
      if (typeof value !== 'number' || !Number.isInteger(value))
        return `expected a whole-number seed, got ${show(value)}`;
      return checkRange(value, SEED_MIN, SEED_MAX);
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value))
        return `expected a number, got ${show(value)}`;
      return checkRange(value, spec.min, spec.max);
    case 'boolean':
      return typeof value === 'boolean' ? null : `expected true or false, got ${show(value)}`;
    case 'enum':
      if (typeof value !== 'string') return `expected one of ${spec.options.join(', ')}, got ${show(value)}`;
      return spec.options.includes(value)
        ? null
        : `expected one of ${spec.options.join(', ')}, got ${show(value)}`;
    case 'string':
    case 'file':
    case 'model':
      return typeof value === 'string' ? null : `expected text, got ${show(value)}`;
  }
}

function checkRange(value: number, min: number | undefined, max: number | undefined): string | null {
  if (min !== undefined && value < min) return `${value} is below the minimum ${min}`;
  if (max !== undefined && value > max) return `${value} is above the maximum ${max}`;
  return null;
}

/**
 * Whole-number widgets with a step (pixel sizes in 8s) take only values on that grid, as `run` does.
 * The editor's number fields apply the same rule (renderer/src/doc/number-text.ts).
 */
function checkStep(value: number, min: number | undefined, step: number | undefined): string | null {
  if (step === undefined || !Number.isInteger(step) || step <= 1) return null;
  const offset = value - (min ?? 0);
  return offset % step === 0 ? null : `expected a multiple of ${step}, got ${value}`;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return String(value);
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

export class WidgetValueError extends Error {
  override name = 'WidgetValueError';
}

/** Parse command-line text for a widget; throws WidgetValueError with the reason. */
export function parseWidgetValue(spec: WidgetSpec, text: string): unknown {
  const value = parseText(spec, text.trim(), text);
  const problem = checkWidgetValue(spec, value);
  if (problem) throw new WidgetValueError(problem);
  return value;
}

function parseText(spec: WidgetSpec, trimmed: string, text: string): unknown {
  switch (spec.kind) {
    case 'int':
    case 'seed':
      if (!/^[-+]?\d+$/.test(trimmed)) throw new WidgetValueError(`expected a whole number, got "${text}"`);
      return Number(trimmed);
    case 'float': {
      const value = trimmed === '' ? Number.NaN : Number(trimmed);
      if (!Number.isFinite(value)) throw new WidgetValueError(`expected a number, got "${text}"`);
      return value;
    }
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(lower)) return true;
      if (['false', '0', 'no', 'off'].includes(lower)) return false;
      throw new WidgetValueError(`expected true or false, got "${text}"`);
    }
    case 'enum':
      return trimmed;
    case 'string':
    case 'file':
    case 'model':
      return text;
  }
}

/** Every widget's value for a node: the stored one, else the widget's default. */
export function widgetValuesWithDefaults(
  def: NodeDefinition,
  stored: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const spec of def.widgets) values[spec.name] = spec.name in stored ? stored[spec.name] : spec.default;
  return values;
}
