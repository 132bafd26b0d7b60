// Float64 dense linear algebra for the evaluation metrics: row-major square matrices as Float64Array,
// and the principal square root of a symmetric positive semi-definite matrix through ml-matrix's
// symmetric eigen-decomposition (Householder tridiagonalisation + QL, as JAMA/EISPACK).
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** A row-major n×n matrix. */
export interface SquareMatrix {
  n: number;
  data: Float64Array;
}

/** C = A·B for n×n matrices (i-k-j order: the inner loop runs along rows of B and C). */
export function multiply(a: SquareMatrix, b: SquareMatrix): SquareMatrix {
  const { n } = a;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a.data[row + k];
      if (aik === 0) continue;
      const bRow = k * n;
      for (let j = 0; j < n; j++) out[row + j] += aik * b.data[bRow + j];
    }
  }
  return { n, data: out };
}

export function trace(m: SquareMatrix): number {
  let sum = 0;
  for (let i = 0; i < m.n; i++) sum += m.data[i * m.n + i];
  return sum;
}

/** Eigenvalues and eigenvectors (columns of `vectors`) of a symmetric matrix. */
export function symmetricEigen(m: SquareMatrix): { values: Float64Array; vectors: SquareMatrix } {
  const rows = Array.from({ length: m.n }, (_, i) => Array.from(m.data.subarray(i * m.n, (i + 1) * m.n)));
  // Symmetrise exactly: sums of products can differ in the last bit across the diagonal.
  const matrix = new Matrix(rows);
  const symmetric = matrix.add(matrix.transpose()).mul(0.5);
  const evd = new EigenvalueDecomposition(symmetric, { assumeSymmetric: true });
  const vectors = evd.eigenvectorMatrix;
  const data = new Float64Array(m.n * m.n);
  for (let i = 0; i < m.n; i++) for (let j = 0; j < m.n; j++) data[i * m.n + j] = vectors.get(i, j);
  return { values: Float64Array.from(evd.realEigenvalues), vectors: { n: m.n, data } };
}

/**
 * The principal square root V·diag(√λ)·Vᵀ of a symmetric positive semi-definite matrix. Eigenvalues
 * that rounding pushed slightly below zero are taken as zero.
 */
export function sqrtSymmetric(m: SquareMatrix): SquareMatrix {
  const { values, vectors } = symmetricEigen(m);
  const { n } = m;
  const roots = Float64Array.from(values, (v) => Math.sqrt(Math.max(v, 0)));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += vectors.data[i * n + k] * roots[k] * vectors.data[j * n + k];
      out[i * n + j] = sum;
      out[j * n + i] = sum;
    }
  }
  return { n, data: out };
}
