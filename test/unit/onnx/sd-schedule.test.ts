import { describe, expect, it } from 'vitest';
import { interpolateAlphaCumprod, scaledLinearAlphasCumprod } from '../../../main/onnx/sd-schedule.ts';

describe('SD scaled_linear schedule table', () => {
  const table = scaledLinearAlphasCumprod();

  it('has SD 1.x end points (sigma_min 0.0292, sigma_max 14.6146 as k-diffusion reports)', () => {
    expect(table.length).toBe(1000);
    expect(table[0]).toBeCloseTo(1 - 0.00085, 12);
    const sigma = (a: number) => Math.sqrt((1 - a) / a);
    expect(sigma(table[0])).toBeCloseTo(0.0291675, 6);
    expect(sigma(table[999])).toBeCloseTo(14.6146, 3);
  });

  it('is strictly decreasing', () => {
    for (let i = 1; i < table.length; i++) expect(table[i]).toBeLessThan(table[i - 1]);
  });

  it('interpolates linearly between integer timesteps and clamps outside', () => {
    expect(interpolateAlphaCumprod(table, 10)).toBe(table[10]);
    expect(interpolateAlphaCumprod(table, 10.25)).toBeCloseTo(0.75 * table[10] + 0.25 * table[11], 15);
    expect(interpolateAlphaCumprod(table, -3)).toBe(table[0]);
    expect(interpolateAlphaCumprod(table, 1200)).toBe(table[999]);
  });
});
