// What a typed number means, or why it is not one. Typed text is never clamped or dropped in
// silence: a value the field cannot take is an error the field shows.

export interface NumberRules {
  min?: number;
  max?: number;
  integer: boolean;
  /** Whole-number widgets with a step > 1 take only min + k·step (image sizes in 8s), as the engine does. */
  gridStep?: number;
}

export type ParsedNumber = { ok: true; value: number } | { ok: false; error: string };

const DECIMAL_COMMA = /^[-+]?\d+,\d+$/;

export function parseNumberText(text: string, rules: NumberRules): ParsedNumber {
  const t = text.trim();
  if (t === '') return { ok: false, error: 'Type a number' };
  if (DECIMAL_COMMA.test(t))
    return { ok: false, error: `"${t}" is not a number: use a dot for decimals (${t.replace(',', '.')})` };
  const value = Number(t);
  if (!Number.isFinite(value)) return { ok: false, error: `"${t}" is not a number` };
  const error = numberProblem(value, rules);
  return error ? { ok: false, error } : { ok: true, value };
}

/** Why a value does not fit the rules, in the engine's words; null when it fits. */
export function numberProblem(value: number, rules: NumberRules): string | null {
  if (rules.integer && !Number.isInteger(value)) return `expected a whole number, got ${value}`;
  if (rules.min !== undefined && value < rules.min) return `${value} is below the minimum ${rules.min}`;
  if (rules.max !== undefined && value > rules.max) return `${value} is above the maximum ${rules.max}`;
  if (rules.gridStep && (value - (rules.min ?? 0)) % rules.gridStep !== 0)
    return `expected a multiple of ${rules.gridStep}, got ${value}`;
  return null;
}
