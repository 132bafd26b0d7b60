// The three matrix-product forms (A·B, A·Bᵀ, Aᵀ·B) against a plain triple loop in float64, on both
// paths: float32 (WebAssembly SIMD, columns padded to 16) and float64 (scalar loops).
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../main/onnx/random.ts';
import { gemmNN, gemmNT, gemmTN } from '../../../main/train/gemm.ts';
import { wasmGemm } from '../../../main/train/gemm-wasm.ts';

type Form = 'NN' | 'NT' | 'TN';
const KERNELS = { NN: gemmNN, NT: gemmNT, TN: gemmTN };

/** Reference: C[i][j] += Σ_p A(i, p)·B(p, j) with A, B read in the form's layout. */
function reference(
  form: Form,
  m: number,
  n: number,
  k: number,
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  C: Float64Array,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const a = form === 'TN' ? A[p * m + i] : A[i * k + p];
        const b = form === 'NT' ? B[j * k + p] : B[p * n + j];
        s += a * b;
      }
      C[i * n + j] += s;
    }
  }
}

function check(
  form: Form,
  m: number,
  n: number,
  k: number,
  type: Float32ArrayConstructor | Float64ArrayConstructor,
) {
  const random = new SeededRandom(m * 1000 + n * 10 + k);
  const fill = (count: number) => {
    const values = new type(count);
    for (let i = 0; i < count; i++) values[i] = random.normal();
    return values;
  };
  const offset = 3;
  const A = fill(offset + m * k);
  const B = fill(offset + k * n);
  const C = fill(offset + m * n);
  const expected = Float64Array.from(C.subarray(offset));
  reference(form, m, n, k, A.subarray(offset), B.subarray(offset), expected);
  KERNELS[form](m, n, k, A, offset, B, offset, C, offset);
  let worst = 0;
  expected.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(C[offset + i] - v) / Math.max(1, Math.abs(v)));
  });
  return worst;
}

describe('matrix products', () => {
  it('the WebAssembly SIMD kernel is available here', () => expect(wasmGemm).not.toBeNull());
  for (const form of ['NN', 'NT', 'TN'] as const) {
    it(`${form}: float32 through the SIMD kernel (n = 48, and n = 27 padded) matches float64 to float32 rounding`, () => {
      expect(check(form, 5, 48, 37, Float32Array)).toBeLessThan(1e-5);
      expect(check(form, 6, 27, 41, Float32Array)).toBeLessThan(1e-5);
    });
    it(`${form}: float64 scalar loops (n = 7) are exact to rounding`, () => {
      expect(check(form, 4, 7, 9, Float64Array)).toBeLessThan(1e-12);
    });
  }
});
