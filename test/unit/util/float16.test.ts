import { describe, expect, it } from 'vitest';
import {
  float16ToFloat32,
  float32ToFloat16,
  fromFloat16Bits,
  toFloat16Bits,
} from '../../../main/util/float16.ts';

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
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(0.5)).toBe(0x3800);
    expect(toFloat16Bits(65504)).toBe(0x7bff); // largest finite half
    expect(toFloat16Bits(2 ** -14)).toBe(0x0400); // smallest normal
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toFloat16Bits(1 / 3)).toBe(0x3555);
    expect(toFloat16Bits(-0)).toBe(0x8000);
    expect(toFloat16Bits(Number.POSITIVE_INFINITY)).toBe(0x7c00);
    expect(toFloat16Bits(Number.NEGATIVE_INFINITY)).toBe(0xfc00);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    const nan = toFloat16Bits(Number.NaN);
    expect((nan & 0x7c00) === 0x7c00 && (nan & 0x3ff) !== 0).toBe(true);
  });

  it('round-trips every finite half exactly', () => {
    const wrong: number[] = [];
    for (let bits = 0; bits < 65536; bits++) {
      const value = halfValue(bits);
      if (Number.isNaN(value)) {
        if (!Number.isNaN(fromFloat16Bits(bits))) wrong.push(bits);
      } else if (fromFloat16Bits(bits) !== value || toFloat16Bits(value) !== bits) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });

  it('rounds to nearest with ties to even, for normals and subnormals', () => {
    const wrong: string[] = [];
    const check = (value: number, expected: number) => {
      if (toFloat16Bits(value) !== expected)
        wrong.push(`${value} -> ${toFloat16Bits(value)}, expected ${expected}`);
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
    expect(toFloat16Bits(65519.99)).toBe(0x7bff);
    expect(toFloat16Bits(65520)).toBe(0x7c00);
    expect(toFloat16Bits(-65520)).toBe(0xfc00);
  });

  it('rounds ties to even at the mantissa and subnormal boundaries', () => {
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie between 1 and 1+2^-10: even is 1
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie: even mantissa 2
    expect(toFloat16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above the tie
    expect(toFloat16Bits(3 * 2 ** -25)).toBe(2); // tie between subnormals 1 and 2: even
    expect(toFloat16Bits(2 ** -14 - 2 ** -25)).toBe(0x0400); // rounds up into the normals
  });

  it('flushes values below half the smallest subnormal to signed zero', () => {
    expect(toFloat16Bits(2 ** -25)).toBe(0x0000); // tie between 0 and 2^-24: even is 0
    expect(toFloat16Bits(2 ** -25 * 1.0001)).toBe(0x0001);
    expect(toFloat16Bits(-(2 ** -26))).toBe(0x8000);
    expect(toFloat16Bits(1e-30)).toBe(0);
  });

  it('converts arrays both ways', () => {
    const input = new Float32Array([0, 1, -1.5, 3.140625, 1000, 1e-8]);
    const half = float32ToFloat16(input);
    expect(half).toBeInstanceOf(Uint16Array);
    expect(Array.from(half)).toEqual([0, 0x3c00, 0xbe00, 0x4248, 0x63d0, 0]);
    expect(Array.from(float16ToFloat32(half))).toEqual([0, 1, -1.5, 3.140625, 1000, 0]);
  });
});
