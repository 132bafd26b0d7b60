// Positional `widgets_values` (UI format) → values by ComfyUI widget name.
import type { ClassSpec } from './types.ts';

export interface DecodedWidgets {
  values: Record<string, unknown>;
  error?: string;
  warning?: string;
}

/** Widgets the frontend adds after the real ones and that carry no value we use. */
const TRAILING_OPTIONAL = new Set(['upload']);

export function decodeWidgets(classType: string, spec: ClassSpec, raw: unknown): DecodedWidgets {
  if (raw === undefined || raw === null) raw = [];
  if (typeof raw === 'object' && !Array.isArray(raw)) return { values: { ...(raw as object) } };
  if (!Array.isArray(raw)) return { values: {}, error: `widgets_values should be a list, got ${typeof raw}` };
  let required = spec.widgets.length;
  while (required > 0 && TRAILING_OPTIONAL.has(spec.widgets[required - 1])) required--;
  const names = spec.widgets.join(', ') || 'none';
  if (raw.length < required) {
    return {
      values: {},
      error: `widgets_values has ${raw.length} value(s), ComfyUI's ${classType} has ${required} (${names})`,
    };
  }
  const values: Record<string, unknown> = {};
  spec.widgets.forEach((name, index) => {
    if (index < raw.length) values[name] = raw[index];
  });
  const warning =
    raw.length > spec.widgets.length
      ? `widgets_values has ${raw.length} value(s), ${classType} has ${spec.widgets.length} (${names}); the extra ones were ignored`
      : undefined;
  return { values, warning };
}
