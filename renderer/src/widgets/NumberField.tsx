// A number field that edits like ComfyUI's: drag sideways to scrub, wheel or arrows to step,
// click to type. Scrubbing and stepping clamp to min/max; typed text that does not fit is shown
// as an error on the field instead (never clamped or dropped in silence).
import { type KeyboardEvent, type PointerEvent, useRef, useState } from 'react';
import { parseNumberText } from '../doc/number-text.ts';

export interface NumberFieldProps {
  label: string;
  value: number;
  min?: number;
  max?: number;
  step: number;
  integer: boolean;
  gridStep?: number;
  onChange(value: number): void;
  testId: string;
}

export function clampNumber(
  v: number,
  p: Pick<NumberFieldProps, 'min' | 'max' | 'step' | 'integer'>,
): number {
  let x = Number.isFinite(v) ? v : 0;
  if (p.min !== undefined) x = Math.max(p.min, x);
  if (p.max !== undefined) x = Math.min(p.max, x);
  if (p.integer) return Math.round(x);
  const decimals = Math.min(6, Math.max(0, -Math.floor(Math.log10(p.step || 1)) + 1));
  return Number(x.toFixed(decimals));
}

const PX_PER_STEP = 6;

export function NumberField(props: NumberFieldProps) {
  const { label, value, step, onChange, testId } = props;
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const drag = useRef<{ x: number; start: number; moved: boolean } | null>(null);
  const set = (v: number) => onChange(clampNumber(v, props));

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if ((e.target as HTMLElement).closest('button') || editing !== null) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, start: value, moved: false };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    if (Math.abs(dx) > 3) d.moved = true;
    if (d.moved) set(d.start + Math.trunc(dx / PX_PER_STEP) * step * (e.shiftKey ? 10 : 1));
  };
  const onPointerUp = () => {
    const d = drag.current;
    drag.current = null;
    if (d && !d.moved) setEditing(String(value));
  };
  const finish = (text: string | null) => {
    if (text === null) {
      setEditing(null);
      setError(null);
      return;
    }
    const parsed = parseNumberText(text, props);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    setEditing(null);
    setError(null);
    onChange(parsed.value);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') finish(editing);
    if (e.key === 'Escape') finish(null);
    e.stopPropagation();
  };

  return (
    <div
      className={`dg-number nodrag nowheel ${error ? 'dg-number-invalid' : ''}`}
      data-testid={testId}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onWheel={(e) => set(value + (e.deltaY < 0 ? step : -step))}
    >
      <button
        type="button"
        className="dg-step"
        aria-label={`decrease ${label}`}
        onClick={() => set(value - step)}
      >
        ‹
      </button>
      {editing !== null ? (
        <input
          className="dg-number-input"
          aria-invalid={error !== null}
          title={error ?? undefined}
          // biome-ignore lint/a11y/noAutofocus: the field opens for typing on click
          autoFocus
          value={editing}
          onFocus={(e) => e.target.select()}
          onChange={(e) => {
            setEditing(e.target.value);
            setError(null);
          }}
          onBlur={() => finish(editing)}
          onKeyDown={onKey}
        />
      ) : (
        <span className="dg-number-body">
          <span className="dg-label">{label}</span>
          <span className="dg-value">{props.integer ? value : formatFloat(value)}</span>
        </span>
      )}
      <button
        type="button"
        className="dg-step"
        aria-label={`increase ${label}`}
        onClick={() => set(value + step)}
      >
        ›
      </button>
      {error && (
        <div className="dg-number-error" role="alert" data-testid={`${testId}-error`}>
          {error}
        </div>
      )}
    </div>
  );
}

function formatFloat(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(Number(v.toFixed(4)));
}
