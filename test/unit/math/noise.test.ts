// Seeded noise: Philox4x32-10 against the Random123 known-answer vectors, Box-Muller output,
// reproducibility, and batch items that reproduce alone (seed + i).
import { describe, expect, it } from 'vitest';
import { BatchNoise, GaussianStream, philox4x32, seededNoise } from '../../../nodes/math/noise.ts';

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
});

describe('Gaussian streams', () => {
  it('turn each Philox block into two Box-Muller pairs (float64, rounded to float32)', () => {
    const seed = 12345;
    const block = philox4x32([0, 0, 0, 0], [seed, 0], new Uint32Array(4));
    const r0 = Math.sqrt(-2 * Math.log((block[0] + 1) / 2 ** 32));
    const r1 = Math.sqrt(-2 * Math.log((block[2] + 1) / 2 ** 32));
    const expected = [
      r0 * Math.cos((2 * Math.PI * block[1]) / 2 ** 32),
      r0 * Math.sin((2 * Math.PI * block[1]) / 2 ** 32),
      r1 * Math.cos((2 * Math.PI * block[3]) / 2 ** 32),
      r1 * Math.sin((2 * Math.PI * block[3]) / 2 ** 32),
    ].map(Math.fround);
    const out = new Float32Array(4);
    new GaussianStream(seed).fill(out);
    expect(Array.from(out)).toEqual(expected);
  });

  it('uses the high 32 bits of large seeds as the second key word', () => {
    const seed = 2 ** 40 + 7;
    const block = philox4x32([0, 0, 0, 0], [7, 2 ** 8], new Uint32Array(4));
    const out = new Float32Array(2);
    new GaussianStream(seed).fill(out);
    const r0 = Math.sqrt(-2 * Math.log((block[0] + 1) / 2 ** 32));
    expect(out[0]).toBe(Math.fround(r0 * Math.cos((2 * Math.PI * block[1]) / 2 ** 32)));
  });

  it('are standard normal: mean 0, variance 1, kurtosis 3, and tails as expected', () => {
    const values = seededNoise(2024, [1, 1, 500, 400]);
    const n = values.length;
    const mean = values.reduce((a, b) => a + b, 0) / n;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    const kurtosis = values.reduce((a, b) => a + (b - mean) ** 4, 0) / n / variance ** 2;
    const beyond2 = values.filter((v) => Math.abs(v) > 2).length / n;
    expect(Math.abs(mean)).toBeLessThan(0.01); // standard error 0.0022
    expect(Math.abs(variance - 1)).toBeLessThan(0.015);
    expect(Math.abs(kurtosis - 3)).toBeLessThan(0.05);
    expect(Math.abs(beyond2 - 0.0455)).toBeLessThan(0.003);
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

  it('continue the stream across calls (no block reused)', () => {
    const whole = new Float32Array(16);
    new GaussianStream(5).fill(whole);
    const stream = new GaussianStream(5);
    const parts = [new Float32Array(8), new Float32Array(8)];
    stream.fill(parts[0]);
    stream.fill(parts[1]);
    expect([...parts[0], ...parts[1]]).toEqual([...whole]);
  });

  it('reject seeds that are not whole numbers ≥ 0', () => {
    expect(() => new GaussianStream(-1)).toThrow(/seed/);
    expect(() => new GaussianStream(1.5)).toThrow(/seed/);
  });
});
