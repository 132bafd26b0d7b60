// FID, KID and the matrix square root against values recorded with SciPy/NumPy
// (scripts/reference/eval_metrics.py: scipy.linalg.sqrtm, np.cov, the KID formula of Bińkowski et al.).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frechetDistance } from '../../../main/eval/frechet.ts';
import { kernelInceptionDistance } from '../../../main/eval/kid.ts';
import { multiply, sqrtSymmetric } from '../../../main/eval/linalg.ts';
import { type FeatureSet, featureSet } from '../../../main/eval/statistics.ts';
import { decodeNpy } from '../../../nodes/formats/npy.ts';

const DIR = join(import.meta.dirname, '../../fixtures/reference/eval');
const metrics = JSON.parse(readFileSync(join(DIR, 'metrics.json'), 'utf8')) as {
  pairs: { a: string; b: string; fid: number; trace_sqrt: number; kid: number }[];
};

function features(name: string): FeatureSet {
  const t = decodeNpy(readFileSync(join(DIR, `features-${name}.npy`)));
  const [count, dim] = t.shape;
  return { count, dim, data: Float64Array.from(t.data) };
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe('evaluation metrics equal SciPy', () => {
  for (const pair of metrics.pairs.filter((p) => p.a !== p.b)) {
    it(`FID and KID of sets ${pair.a} and ${pair.b}`, () => {
      const a = features(pair.a);
      const b = features(pair.b);
      const fid = frechetDistance(a, b);
      expect(relative(fid.fid, pair.fid)).toBeLessThan(1e-6);
      expect(relative(fid.traceSqrt, pair.trace_sqrt)).toBeLessThan(1e-6);
      expect(fid.n_a).toBe(a.count);
      expect(fid.n_b).toBe(b.count);
      const kid = kernelInceptionDistance(a, b); // both sets are smaller than a subset: used whole
      expect(relative(kid.kid, pair.kid)).toBeLessThan(1e-6);
    });
  }

  it('identical sets: FID ≈ 0 (SciPy gives the same to its rounding)', () => {
    const a = features('a');
    const same = metrics.pairs.find((p) => p.a === p.b);
    expect(Math.abs(frechetDistance(a, a).fid)).toBeLessThan(1e-6);
    expect(Math.abs(same?.fid ?? 1)).toBeLessThan(1e-6);
  });

  it('the principal square root of a covariance matrix equals scipy.linalg.sqrtm', () => {
    const spd = decodeNpy(readFileSync(join(DIR, 'spd.npy')));
    const expected = decodeNpy(readFileSync(join(DIR, 'spd-sqrt.npy')));
    const n = spd.shape[0];
    const root = sqrtSymmetric({ n, data: Float64Array.from(spd.data) });
    let worst = 0;
    let scale = 0;
    for (let i = 0; i < n * n; i++) {
      worst = Math.max(worst, Math.abs(root.data[i] - expected.data[i]));
      scale = Math.max(scale, Math.abs(expected.data[i]));
    }
    // The expected values went through float32 in the fixture file.
    expect(worst / scale).toBeLessThan(1e-6);
    const squared = multiply(root, root);
    for (let i = 0; i < n * n; i++) expect(squared.data[i]).toBeCloseTo(spd.data[i], 5);
  });

  it('KID over random subsets: reproducible for a seed, and near the full-set value', () => {
    const a = features('a');
    const b = features('b');
    const full = kernelInceptionDistance(a, b, { subsetSize: 40, subsets: 1 }).kid;
    const first = kernelInceptionDistance(a, b, { subsetSize: 20, subsets: 50, seed: 3 });
    const again = kernelInceptionDistance(a, b, { subsetSize: 20, subsets: 50, seed: 3 });
    expect(again.kid).toBe(first.kid);
    expect(first.subsets).toBe(50);
    expect(first.std).toBeGreaterThan(0);
    expect(Math.abs(first.kid - full)).toBeLessThan(3 * first.std);
  });

  it('rejects feature sets of different widths, naming both', () => {
    const a = featureSet([
      [1, 2],
      [3, 4],
    ]);
    const b = featureSet([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(() => frechetDistance(a, b)).toThrow(/2 and 3/);
    expect(() => kernelInceptionDistance(a, b)).toThrow(/2 and 3/);
  });
});
