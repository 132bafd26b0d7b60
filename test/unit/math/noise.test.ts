// Seeded noise: Philox4x32-10 against the Random123 known-answer vectors and a BigInt reading, the
// ziggurat against an independent plain implementation of its documented definition, the standard
// normal distribution on 10⁶ draws (moments, Kolmogorov-Smirnov, binned χ², tails), reproducibility,
// and batch items that reproduce alone (seed + i).
import { describe, expect, it } from 'vitest';
import {
  BatchNoise,
  GaussianStream,
  philox4x32,
  seededNoise,
  ZIGGURAT,
  ZIGGURAT_R,
  ZIGGURAT_V,
} from '../../../nodes/math/noise.ts';
import { philoxSimd } from '../../../nodes/math/philox-simd.ts';
import { normalsReference, philoxReference } from './noise-reference.ts';

describe('Philox4x32-10', () => {
  // Random123 kat_vectors: philox4x32 10 rounds
  const vectors: [number[], number[], number[]][] = [
    [
      [0, 0, 0, 0],
      [0, 0],
      [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8],
    ],
    [
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
    ],
    [
      [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      [0xa4093822, 0x299f31d0],
      [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
    ],
  ];
  for (const [ctr, key, expected] of vectors) {
    it(`matches the known answer for key ${key.map((k) => k.toString(16)).join(',')}`, () => {
      expect(Array.from(philox4x32(ctr, key, new Uint32Array(4)))).toEqual(expected);
    });
  }

  it('matches a BigInt implementation, also where the fast high half needs its exact correction', () => {
    // counters whose first-round low half M·c mod 2³² is within 2¹¹ of 0 or 2³² (c = t·M⁻¹ mod 2³²)
    const inverse = (m: bigint) => {
      let x = 1n;
      for (let i = 0; i < 5; i++) x = (x * (2n - m * x)) & 0xffffffffn; // Newton: doubles the bits
      return x;
    };
    const edgy = [1n, 2047n, 0xffffffffn, 0xfffff801n].flatMap((t) => [
      Number((t * inverse(0xd2511f53n)) & 0xffffffffn),
      Number((t * inverse(0xcd9e8d57n)) & 0xffffffffn),
    ]);
    const counters: number[][] = edgy.map((c, i) => (i % 2 === 0 ? [c, 7, 0, 0] : [0, 7, c, 0]));
    for (let i = 0; i < 300; i++) counters.push([i * 2654435761, i * 40503, i * 977, i ^ 0x5bd1e995]);
    for (const ctr of counters) {
      const key = [ctr[0] ^ 0x1234567, 99 + ctr[1]];
      expect(Array.from(philox4x32(ctr, key, new Uint32Array(4)))).toEqual(philoxReference(ctr, key));
    }
  });
});

describe('Philox4x32-10 in WebAssembly SIMD (what streams use)', () => {
  it('is available on this platform', () => {
    expect(philoxSimd).not.toBeNull();
  });

  it('gives the Random123 known answers and the scalar words for every block of a call', () => {
    const simd = philoxSimd;
    if (!simd) throw new Error('WebAssembly SIMD unavailable');
    const known = simd.blocks(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 1);
    expect(Array.from(known.subarray(0, 4), (w) => w >>> 0)).toEqual([
      0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1,
    ]);
    // counters that wrap inside a group, large keys, several groups per call
    for (const c0 of [0, 12345, 0xfffffffe, 0x7ffffffd]) {
      const words = simd.blocks(c0 | 0, 0x9abc, 0x77, 0xffffffff | 0, 0xdeadbeef | 0, 42, 3);
      for (let j = 0; j < 12; j++) {
        const ctr = [(c0 + j) >>> 0, 0x9abc, 0x77, 0xffffffff];
        const expected = philoxReference(ctr, [0xdeadbeef, 42]);
        expect(Array.from(words.subarray(4 * j, 4 * j + 4), (w) => w >>> 0)).toEqual(expected);
      }
    }
  });
});

describe('ziggurat tables', () => {
  it('use a strip area v equal to r·f(r) plus the tail integral, and close at the top strip', () => {
    // ∫_r^∞ exp(−x²/2) dx by composite Simpson on [r, r + 12] (the rest is below 1e-40)
    const f = (x: number) => Math.exp(-(x * x) / 2);
    const n = 120000;
    const h = 12 / n;
    let sum = f(ZIGGURAT_R) + f(ZIGGURAT_R + 12);
    for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(ZIGGURAT_R + i * h);
    const tail = (sum * h) / 3;
    expect(ZIGGURAT_R * f(ZIGGURAT_R) + tail).toBeCloseTo(ZIGGURAT_V, 14);
    const { edge, height } = ZIGGURAT;
    // every strip has area v, and the top one ends at f(0) = 1
    for (let i = 1; i < 256; i++) expect(edge[i] * (height[i + 1] - height[i])).toBeCloseTo(ZIGGURAT_V, 12);
    expect(height[255] + ZIGGURAT_V / edge[255]).toBeCloseTo(1, 12);
  });
});

describe('Gaussian streams', () => {
  it('follow the documented ziggurat exactly, rare branches included', () => {
    const count = 200000;
    const { values, branches } = normalsReference(12345, count, ZIGGURAT_R, ZIGGURAT_V);
    const out = new Float32Array(count);
    new GaussianStream(12345).fill(out);
    expect(out).toEqual(values);
    expect(branches.tail).toBeGreaterThan(20); // P(|z| > r) = 2.6e-4: about 52 expected
    expect(branches.wedgeAccepted).toBeGreaterThan(500);
    expect(branches.wedgeRejected).toBeGreaterThan(50);
  });

  it('use the high 32 bits of large seeds as the second key word', () => {
    const seed = 2 ** 40 + 7;
    const out = new Float32Array(1000);
    new GaussianStream(seed).fill(out);
    expect(out).toEqual(normalsReference(seed, 1000, ZIGGURAT_R, ZIGGURAT_V).values);
    const low = new Float32Array(1000);
    new GaussianStream(7).fill(low);
    expect(out).not.toEqual(low);
  });

  describe('are standard normal on 10⁶ draws', () => {
    const values = seededNoise(2024, [1, 1, 1000, 1000]);
    const n = values.length;
    const sorted = Float64Array.from(values).sort();

    it('in their moments: mean 0, variance 1, skewness 0, kurtosis 3', () => {
      let [m1, m2, m3, m4] = [0, 0, 0, 0];
      for (const v of values) {
        m1 += v;
        m2 += v * v;
        m3 += v * v * v;
        m4 += v * v * v * v;
      }
      // standard errors at n = 10⁶: 0.001, 0.0014, 0.0024, 0.0049; bounds at about 4.5 of them
      expect(Math.abs(m1 / n)).toBeLessThan(0.0045);
      expect(Math.abs(m2 / n - 1)).toBeLessThan(0.0065);
      expect(Math.abs(m3 / n)).toBeLessThan(0.011);
      expect(Math.abs(m4 / n - 3)).toBeLessThan(0.022);
    });

    it('in distribution: Kolmogorov-Smirnov distance and χ² over 100 equal-probability bins', () => {
      let distance = 0;
      for (let i = 0; i < n; i++) {
        const cdf = normalCdf(sorted[i]);
        distance = Math.max(distance, Math.abs(cdf - i / n), Math.abs((i + 1) / n - cdf));
      }
      expect(distance).toBeLessThan(1.95 / Math.sqrt(n)); // KS critical value at α = 0.001
      const bins = new Array(100).fill(0);
      for (const v of sorted) bins[Math.min(99, Math.floor(normalCdf(v) * 100))]++;
      const chi2 = bins.reduce((sum, observed) => sum + (observed - n / 100) ** 2 / (n / 100), 0);
      expect(chi2).toBeLessThan(148.2); // χ²(99) at α = 0.001
    });

    it('in the tails (where the tail sampler and the thin top strips act)', () => {
      const beyond = (t: number) => values.filter((v) => Math.abs(v) > t).length;
      // two-sided P(|z| > t) = 2(1 − Φ(t)): 0.0455, 0.0027, 6.33e-5; bounds at about 4.5 σ (binomial)
      expect(Math.abs(beyond(2) - 45500)).toBeLessThan(940);
      expect(Math.abs(beyond(3) - 2700)).toBeLessThan(235);
      expect(Math.abs(beyond(4) - 63.3)).toBeLessThan(36);
      expect(sorted[0]).toBeLessThan(-4.2); // the tail beyond r = 3.654 is reached
      expect(sorted[n - 1]).toBeGreaterThan(4.2);
    });
  });

  it('are reproducible and differ between seeds', () => {
    const a = seededNoise(99, [2, 4, 8, 8]);
    expect(seededNoise(99, [2, 4, 8, 8])).toEqual(a);
    const b = seededNoise(100, [2, 4, 8, 8]);
    expect(a.some((v, i) => v !== b[i])).toBe(true);
  });

  it('give batch item i exactly the noise of seed + i alone, also for later draws', () => {
    const shape = [3, 4, 5, 5];
    const item = 4 * 5 * 5;
    const batch = new BatchNoise(10, 3);
    const first = batch.fill(new Float32Array(3 * item)).slice();
    const second = batch.fill(new Float32Array(3 * item)).slice();
    for (let i = 0; i < 3; i++) {
      const alone = new BatchNoise(10 + i, 1);
      expect(first.subarray(i * item, (i + 1) * item)).toEqual(alone.fill(new Float32Array(item)));
      expect(second.subarray(i * item, (i + 1) * item)).toEqual(alone.fill(new Float32Array(item)));
    }
    expect(seededNoise(10, shape).subarray(item, 2 * item)).toEqual(seededNoise(11, [1, 4, 5, 5]));
  });

  it('continue the stream across calls of any length (no word reused or skipped)', () => {
    const whole = new Float32Array(3000);
    new GaussianStream(5).fill(whole);
    const stream = new GaussianStream(5);
    const parts = [5, 11, 240, 1, 1743, 1000].map((length) => new Float32Array(length));
    for (const part of parts) stream.fill(part);
    expect(parts.flatMap((part) => [...part])).toEqual([...whole]);
  });

  it('reject seeds that are not whole numbers ≥ 0', () => {
    expect(() => new GaussianStream(-1)).toThrow(/seed/);
    expect(() => new GaussianStream(1.5)).toThrow(/seed/);
  });
});

/** Φ(x) = erfc(−x/√2)/2 with erfc from its continued fraction (|x| large) or series (|x| small), to ~1e-14. */
function normalCdf(x: number): number {
  const z = -x / Math.SQRT2;
  return erfc(z) / 2;
}

function erfc(z: number): number {
  if (z < 0) return 2 - erfc(-z);
  if (z < 3) {
    // erf by its Maclaurin series: 2/√π Σ (−1)ⁿ z^(2n+1) / (n! (2n+1))
    let term = z;
    let sum = z;
    for (let k = 1; k < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
      term *= (-z * z) / k;
      sum += term / (2 * k + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Lentz continued fraction: erfc z = exp(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …))))
  let fraction = z;
  for (let k = 60; k >= 1; k--) fraction = z + k / 2 / fraction;
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / fraction;
}
