// Feature statistics: the mean and the unbiased covariance of a set of feature vectors (as np.cov
// with rowvar=False), in float64.
import type { SquareMatrix } from './linalg.ts';

/** N feature vectors of dimension D, row-major. */
export interface FeatureSet {
  count: number;
  dim: number;
  data: Float64Array;
}

export function featureSet(rows: readonly ArrayLike<number>[]): FeatureSet {
  const dim = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * dim);
  for (const [i, row] of rows.entries()) {
    if (row.length !== dim) throw new Error(`feature vector ${i} has ${row.length} values, expected ${dim}`);
    data.set(Array.from(row), i * dim);
  }
  return { count: rows.length, dim, data };
}

export function mean(set: FeatureSet): Float64Array {
  const out = new Float64Array(set.dim);
  for (let i = 0; i < set.count; i++) for (let d = 0; d < set.dim; d++) out[d] += set.data[i * set.dim + d];
  for (let d = 0; d < set.dim; d++) out[d] /= set.count;
  return out;
}

/** Σ = (X − μ)ᵀ(X − μ) / (N − 1). */
export function covariance(set: FeatureSet, mu: Float64Array = mean(set)): SquareMatrix {
  const { count, dim } = set;
  if (count < 2) throw new Error(`a covariance needs at least 2 feature vectors, got ${count}`);
  const centred = new Float64Array(set.data.length);
  for (let i = 0; i < count; i++)
    for (let d = 0; d < dim; d++) centred[i * dim + d] = set.data[i * dim + d] - mu[d];
  const out = new Float64Array(dim * dim);
  for (let i = 0; i < count; i++) {
    const row = i * dim;
    for (let a = 0; a < dim; a++) {
      const x = centred[row + a];
      if (x === 0) continue;
      for (let b = a; b < dim; b++) out[a * dim + b] += x * centred[row + b];
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = out[a * dim + b] / (count - 1);
      out[a * dim + b] = v;
      out[b * dim + a] = v;
    }
  }
  return { n: dim, data: out };
}
