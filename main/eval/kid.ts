// Kernel Inception Distance (Bińkowski et al. 2018, "Demystifying MMD GANs"): the unbiased estimator
// of MMD² with the cubic polynomial kernel k(x, y) = (xᵀy/d + 1)³,
//   MMD²ᵤ = 1/(m(m−1)) Σ_{i≠j} k(xᵢ,xⱼ) + 1/(n(n−1)) Σ_{i≠j} k(yᵢ,yⱼ) − 2/(mn) Σ_{i,j} k(xᵢ,yⱼ),
// averaged over random subsets as the paper's reference code does (one subset of everything when
// the sets are small). Unbiased: it stays meaningful for small sets, and can be slightly negative.
import type { FeatureSet } from './statistics.ts';

export interface KidOptions {
  /** Images per subset and set (default 1000; a smaller set is used whole). */
  subsetSize?: number;
  /** Number of subsets (default 100, or 1 when a subset holds every image of both sets). */
  subsets?: number;
  seed?: number;
}

export interface KidResult {
  kid: number;
  /** Standard deviation over subsets (0 for one subset). */
  std: number;
  subsets: number;
  subsetSize: number;
  n_a: number;
  n_b: number;
}

function kernel(x: FeatureSet, i: number, y: FeatureSet, j: number): number {
  let dot = 0;
  const d = x.dim;
  for (let k = 0; k < d; k++) dot += x.data[i * d + k] * y.data[j * d + k];
  return (dot / d + 1) ** 3;
}

/** The unbiased MMD² between rows `ia` of a and rows `ib` of b. */
export function mmdUnbiased(
  a: FeatureSet,
  ia: readonly number[],
  b: FeatureSet,
  ib: readonly number[],
): number {
  const m = ia.length;
  const n = ib.length;
  let xx = 0;
  for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) xx += 2 * kernel(a, ia[p], a, ia[q]);
  let yy = 0;
  for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) yy += 2 * kernel(b, ib[p], b, ib[q]);
  let xy = 0;
  for (let p = 0; p < m; p++) for (let q = 0; q < n; q++) xy += kernel(a, ia[p], b, ib[q]);
  return xx / (m * (m - 1)) + yy / (n * (n - 1)) - (2 * xy) / (m * n);
}

/** mulberry32: a small seeded generator for choosing subsets reproducibly. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `size` distinct indices of 0..count-1 (partial Fisher–Yates). */
function choose(count: number, size: number, random: () => number): number[] {
  const pool = Array.from({ length: count }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (count - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, size);
}

export function kernelInceptionDistance(a: FeatureSet, b: FeatureSet, options: KidOptions = {}): KidResult {
  if (a.dim !== b.dim) throw new Error(`feature sizes differ: ${a.dim} and ${b.dim}`);
  if (a.count < 2 || b.count < 2) throw new Error('KID needs at least 2 images in each set');
  const wanted = options.subsetSize ?? 1000;
  if (wanted < 2) throw new Error(`KID subset size must be at least 2, got ${wanted}`);
  // A set no larger than the subset size is used whole in every subset.
  const sizeA = Math.min(wanted, a.count);
  const sizeB = Math.min(wanted, b.count);
  const everything = sizeA === a.count && sizeB === b.count;
  const subsets = options.subsets ?? (everything ? 1 : 100);
  const random = generator(options.seed ?? 0);
  const pick = (count: number, size: number) =>
    size === count ? Array.from({ length: count }, (_, i) => i) : choose(count, size, random);
  const values: number[] = [];
  for (let s = 0; s < subsets; s++)
    values.push(mmdUnbiased(a, pick(a.count, sizeA), b, pick(b.count, sizeB)));
  const kid = values.reduce((x, y) => x + y, 0) / subsets;
  const variance = subsets > 1 ? values.reduce((x, v) => x + (v - kid) ** 2, 0) / (subsets - 1) : 0;
  return {
    kid,
    std: Math.sqrt(variance),
    subsets,
    subsetSize: Math.max(sizeA, sizeB),
    n_a: a.count,
    n_b: b.count,
  };
}
