// Fréchet Inception Distance (Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule..."):
//   FID = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½)
// Tr((Σ₁Σ₂)^½) is computed stably as Σᵢ √λᵢ(√Σ₁ Σ₂ √Σ₁): that matrix is symmetric positive
// semi-definite and similar to Σ₁Σ₂, so only symmetric eigen-decompositions are needed (no complex
// square roots of a non-symmetric product, which is where the direct sqrtm(Σ₁Σ₂) loses accuracy).
import { multiply, type SquareMatrix, sqrtSymmetric, symmetricEigen, trace } from './linalg.ts';
import { covariance, type FeatureSet, mean } from './statistics.ts';

export interface FrechetResult {
  fid: number;
  /** ‖μ₁ − μ₂‖² */
  meanTerm: number;
  /** Tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½) */
  covarianceTerm: number;
  traceSqrt: number;
  n_a: number;
  n_b: number;
  dim: number;
}

/** Tr((Σ₁Σ₂)^½) for symmetric positive semi-definite Σ₁, Σ₂. */
export function traceSqrtProduct(s1: SquareMatrix, s2: SquareMatrix): number {
  const root = sqrtSymmetric(s1);
  const inner = multiply(multiply(root, s2), root);
  let sum = 0;
  for (const value of symmetricEigen(inner).values) sum += Math.sqrt(Math.max(value, 0));
  return sum;
}

export function frechetDistance(a: FeatureSet, b: FeatureSet): FrechetResult {
  if (a.dim !== b.dim) throw new Error(`feature sizes differ: ${a.dim} and ${b.dim}`);
  const mu1 = mean(a);
  const mu2 = mean(b);
  const s1 = covariance(a, mu1);
  const s2 = covariance(b, mu2);
  let meanTerm = 0;
  for (let d = 0; d < a.dim; d++) meanTerm += (mu1[d] - mu2[d]) ** 2;
  const traceSqrt = traceSqrtProduct(s1, s2);
  const covarianceTerm = trace(s1) + trace(s2) - 2 * traceSqrt;
  return {
    fid: meanTerm + covarianceTerm,
    meanTerm,
    covarianceTerm,
    traceSqrt,
    n_a: a.count,
    n_b: b.count,
    dim: a.dim,
  };
}
