import { describe, expect, it } from 'vitest';
import {
  float16ToFloat32,
  float32ToFloat16,
  fromHalfBits,
  toHalfBits,
} from '../../../main/runtime/float16.ts';

// Reference half-precision values straight from the IEEE 754 binary16 layout:
// sign(1) exponent(5, bias 15) mantissa(10).
function halfValue(bits: number): number {
  const sign = bits >> 15 ? -1 : 1;
  const e = (bits >> 10) & 31;
  const m = bits & 1023;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (e - 15) * (1 + m / 1024);
}

describe('float16 conversion', () => {
  it('encodes well-known values to their binary16 bit patterns', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(0.5)).toBe(0x3800);
    expect(toHalfBits(65504)).toBe(0x7bff); // largest finite half
    expect(toHalfBits(2 ** -14)).toBe(0x0400); // smallest normal
    expect(toHalfBits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toHalfBits(1 / 3)).toBe(0x3555);
    expect(toHalfBits(-0)).toBe(0x8000);
    expect(toHalfBits(Number.POSITIVE_INFINITY)).toBe(0x7c00);
    expect(toHalfBits(Number.NEGATIVE_INFINITY)).toBe(0xfc00);
    expect(toHalfBits(1e6)).toBe(0x7c00);
    const nan = toHalfBits(Number.NaN);
    expect((nan & 0x7c00) === 0x7c00 && (nan & 0x3ff) !== 0).toBe(true);
  });

  it('round-trips every finite half exactly', () => {
    const wrong: number[] = [];
    for (let bits = 0; bits < 65536; bits++) {
      const value = halfValue(bits);
      if (Number.isNaN(value)) {
        if (!Number.isNaN(fromHalfBits(bits))) wrong.push(bits);
      } else if (fromHalfBits(bits) !== value || toHalfBits(value) !== bits) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });

  it('rounds to nearest with ties to even, for normals and subnormals', () => {
    const wrong: string[] = [];
    const check = (value: number, expected: number) => {
      if (toHalfBits(value) !== expected)
        wrong.push(`${value} -> ${toHalfBits(value)}, expected ${expected}`);
    };
    // Walk adjacent positive finite halves, the subnormal range included.
    for (let bits = 0; bits < 0x7bff; bits++) {
      const low = halfValue(bits);
      const high = halfValue(bits + 1);
      const mid = (low + high) / 2; // exactly representable in float32 for every pair
      if (Math.fround(mid) !== mid) wrong.push(`midpoint ${mid} not a float32`);
      const even = bits % 2 === 0 ? bits : bits + 1;
      check(mid, even);
      check(-mid, even | 0x8000);
      const step = (high - low) / 1024;
      check(mid - step, bits);
      check(mid + step, bits + 1);
    }
    expect(wrong).toEqual([]);
  });

  it('rounds past the largest finite half to Infinity only from the midpoint up', () => {
    // 65504 is the largest half; the next step would be 65536, so the midpoint is 65520.
    expect(toHalfBits(65519.99)).toBe(0x7bff);
    expect(toHalfBits(65520)).toBe(0x7c00);
    expect(toHalfBits(-65520)).toBe(0xfc00);
  });

  it('flushes values below half the smallest subnormal to signed zero', () => {
    expect(toHalfBits(2 ** -25)).toBe(0x0000); // tie between 0 and 2^-24: even is 0
    expect(toHalfBits(2 ** -25 * 1.0001)).toBe(0x0001);
    expect(toHalfBits(-(2 ** -26))).toBe(0x8000);
    expect(toHalfBits(1e-30)).toBe(0);
  });

  it('converts arrays both ways', () => {
    const input = new Float32Array([0, 1, -1.5, 3.140625, 1000, 1e-8]);
    const half = float32ToFloat16(input);
    expect(half).toBeInstanceOf(Uint16Array);
    expect(Array.from(half)).toEqual([0, 0x3c00, 0xbe00, 0x4248, 0x63d0, 0]);
    expect(Array.from(float16ToFloat32(half))).toEqual([0, 1, -1.5, 3.140625, 1000, 0]);
  });
});
