// Dense matrix products on row-major buffers, the inner loop always running along contiguous memory
// (no allocation). These three forms cover forward and backward of convolutions and linear layers.
import { wasmGemm } from './gemm-wasm.ts';
import type { Vec } from './tensor.ts';

/** float32 products worth a copy into WebAssembly memory go to the SIMD kernel. */
function simdFits(m: number, n: number, k: number, ...arrays: Vec[]): boolean {
  return wasmGemm !== null && m * n * k >= 4096 && n >= 8 && arrays.every((a) => a instanceof Float32Array);
}

/** C[m×n] += A[m×k] · B[k×n] (A at offset a0, B at b0, C at c0). */
export function gemmNN(
  m: number,
  n: number,
  k: number,
  A: Vec,
  a0: number,
  B: Vec,
  b0: number,
  C: Vec,
  c0: number,
): void {
  if (simdFits(m, n, k, A, B, C)) {
    const a = { data: A as Float32Array, offset: a0, transposed: false };
    const b = { data: B as Float32Array, offset: b0, transposed: false };
    wasmGemm?.multiply(m, n, k, a, b, C as Float32Array, c0);
    return;
  }
  for (let i = 0; i < m; i++) {
    const ci = c0 + i * n;
    const ai = a0 + i * k;
    for (let p = 0; p < k; p++) {
      const a = A[ai + p];
      if (a === 0) continue;
      const bp = b0 + p * n;
      for (let j = 0; j < n; j++) C[ci + j] += a * B[bp + j];
    }
  }
}

/** C[m×n] += A[m×k] · Bᵀ where B is [n×k]: each entry a dot product of two contiguous rows. */
export function gemmNT(
  m: number,
  n: number,
  k: number,
  A: Vec,
  a0: number,
  B: Vec,
  b0: number,
  C: Vec,
  c0: number,
): void {
  if (simdFits(m, n, k, A, B, C)) {
    const a = { data: A as Float32Array, offset: a0, transposed: false };
    const b = { data: B as Float32Array, offset: b0, transposed: true };
    wasmGemm?.multiply(m, n, k, a, b, C as Float32Array, c0);
    return;
  }
  for (let i = 0; i < m; i++) {
    const ai = a0 + i * k;
    for (let j = 0; j < n; j++) {
      const bj = b0 + j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += A[ai + p] * B[bj + p];
      C[c0 + i * n + j] += s;
    }
  }
}

/** C[m×n] += Aᵀ · B where A is [k×m] and B is [k×n]. */
export function gemmTN(
  m: number,
  n: number,
  k: number,
  A: Vec,
  a0: number,
  B: Vec,
  b0: number,
  C: Vec,
  c0: number,
): void {
  if (simdFits(m, n, k, A, B, C)) {
    const a = { data: A as Float32Array, offset: a0, transposed: true };
    const b = { data: B as Float32Array, offset: b0, transposed: false };
    wasmGemm?.multiply(m, n, k, a, b, C as Float32Array, c0);
    return;
  }
  for (let p = 0; p < k; p++) {
    const ap = a0 + p * m;
    const bp = b0 + p * n;
    for (let i = 0; i < m; i++) {
      const a = A[ap + i];
      if (a === 0) continue;
      const ci = c0 + i * n;
      for (let j = 0; j < n; j++) C[ci + j] += a * B[bp + j];
    }
  }
}
