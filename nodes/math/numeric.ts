// Numeric helpers that mimic the float32 / NumPy choices diffusers makes, so our schedules match its
// values bit for bit where it matters (betas, ᾱ, σ tables are float32 tensors in diffusers).

export const f32 = Math.fround;

/**
 * torch.linspace(start, end, steps, dtype=float32) on the CPU: step computed in float32, the first
 * half counted up from `start`, the second half counted down from `end` (ATen's linspace kernel).
 */
export function torchLinspaceF32(start: number, end: number, steps: number): Float64Array {
  const out = new Float64Array(steps);
  if (steps === 1) {
    out[0] = f32(start);
    return out;
  }
  const s = f32(start);
  const e = f32(end);
  const step = f32(f32(e - s) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) {
    out[i] = i < halfway ? f32(s + f32(step * i)) : f32(e - f32(step * (steps - i - 1)));
  }
  return out;
}

/** numpy.linspace in float64 (start + i·step, the last value exactly `end`). */
export function npLinspace(start: number, end: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const step = (end - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = start + i * step;
  out[num - 1] = end;
  return out;
}

/** numpy.round: round half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** numpy.interp(x, arange(len(table)), table) for an ascending integer grid. */
export function interpOnIndex(x: number, table: ArrayLike<number>): number {
  const last = table.length - 1;
  if (x <= 0) return table[0];
  if (x >= last) return table[last];
  const lo = Math.floor(x);
  const w = x - lo;
  if (w === 0) return table[lo];
  // NumPy's formula: slope·(x − x_lo) + y_lo
  return (table[lo + 1] - table[lo]) * w + table[lo];
}
