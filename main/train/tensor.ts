// Buffers for the hand-written trainer. Training runs in float32; the gradient checks run the very
// same layer code in float64 (switched here) so that central differences are accurate to ~1e-7.
export type Vec = Float32Array | Float64Array;

let useFloat64 = false;

/** Run `body` with every buffer allocated as float64 (gradient checks only). */
export function withFloat64<T>(body: () => T): T {
  const before = useFloat64;
  useFloat64 = true;
  try {
    return body();
  } finally {
    useFloat64 = before;
  }
}

/** A zeroed buffer of the current precision. */
export function alloc(size: number): Vec {
  return useFloat64 ? new Float64Array(size) : new Float32Array(size);
}

/** An activation: NCHW (or [N, C] for vectors) data with its shape. */
export interface Act {
  data: Vec;
  shape: number[];
}

export function act(shape: number[]): Act {
  return { data: alloc(shape.reduce((a, b) => a * b, 1)), shape };
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
