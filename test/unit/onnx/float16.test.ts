import { describe, expect, it } from 'vitest';
import {
  float16ToFloat32,
  float32ToFloat16,
  fromFloat16Bits,
  toFloat16Bits,
} from '../../../main/onnx/float16.ts';

/** The value of a half-precision pattern straight from the IEEE 754 binary16 definition. */
function ieeeHalf(bits: number): number {
  const sign = bits >> 15 ? -1 : 1;
  const e = (bits >> 10) & 31;
  const m = bits & 1023;
  if (e === 31) return m ? Number.NaN : sign * Infinity;
  return e === 0 ? sign * m * 2 ** -24 : sign * (1024 + m) * 2 ** (e - 25);
}

describe('float16 conversion', () => {
  it('decodes every pattern as IEEE binary16 and encodes every finite value back to its pattern', () => {
    for (let bits = 0; bits < 65536; bits++) {
      const value = ieeeHalf(bits);
      if (Number.isNaN(value)) {
        expect(Number.isNaN(fromFloat16Bits(bits))).toBe(true);
        expect(toFloat16Bits(value) & 0x7c00).toBe(0x7c00);
        continue;
      }
      expect(fromFloat16Bits(bits)).toBe(value);
      // -0 and +0 keep their sign bit.
      expect(toFloat16Bits(value)).toBe(bits);
    }
  });

  it('rounds to nearest, ties to even, and overflows to infinity', () => {
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie between 1 and 1+2^-10: even is 1
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie: even mantissa 2
    expect(toFloat16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above the tie
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(65519)).toBe(0x7bff);
    expect(toFloat16Bits(65520)).toBe(0x7c00);
    expect(toFloat16Bits(-1e6)).toBe(0xfc00);
    expect(toFloat16Bits(2 ** -25)).toBe(0); // tie between 0 and the smallest subnormal
    expect(toFloat16Bits(1.5 * 2 ** -25)).toBe(1);
    expect(toFloat16Bits(3 * 2 ** -25)).toBe(2); // tie between subnormals 1 and 2: even
    expect(toFloat16Bits(2 ** -14 - 2 ** -25)).toBe(0x0400); // rounds up into the normals
  });

  it('converts arrays both ways', () => {
    const values = Float32Array.from([0.1, -2.5, 1000, 3.25, -0.0071]);
    const back = float16ToFloat32(float32ToFloat16(values));
    for (let i = 0; i < values.length; i++)
      expect(Math.abs(back[i] - values[i])).toBeLessThanOrEqual(Math.abs(values[i]) * 2 ** -11);
  });
});
