// The TrainDiffusion node's live loss picture: running mean, log-scaled rows, one curve pixel per column.
import { describe, expect, it } from 'vitest';
import { lossCurvePreview, smoothed } from '../../../nodes/math/loss-curve.ts';

const CURVE = [120, 200, 255];

function curveRows(image: ReturnType<typeof lossCurvePreview>, x: number): number[] {
  const rows: number[] = [];
  for (let y = 0; y < image.height; y++) {
    const at = (y * image.width + x) * 3;
    if ([0, 1, 2].every((c) => image.rgb[at + c] === CURVE[c])) rows.push(y);
  }
  return rows;
}

describe('loss curve preview', () => {
  it('smooths with a trailing mean', () => {
    expect(smoothed([4, 2, 6, 0], 2)).toEqual([4, 3, 4, 3]);
  });

  it('draws a falling loss from the top decade to the bottom one on a log scale', () => {
    // 1 → 0.01 over 100 steps, exponentially: a straight line on the log axis from row 0 to the last row.
    const losses = Array.from({ length: 100 }, (_, i) => 10 ** (-2 * (i / 99)));
    const image = lossCurvePreview(losses, 100, 51);
    expect(image.rgb.length).toBe(100 * 51 * 3);
    expect(curveRows(image, 0)).toContain(0);
    expect(curveRows(image, 99)).toContain(50);
    // Halfway along the steps the (slightly lagging) mean is near 0.1: the middle row.
    const middle = curveRows(image, 50);
    expect(Math.min(...middle)).toBeGreaterThanOrEqual(23);
    expect(Math.max(...middle)).toBeLessThanOrEqual(29);
  });

  it('is an empty plot before two steps exist', () => {
    const image = lossCurvePreview([0.5], 10, 10);
    expect(curveRows(image, 5)).toEqual([]);
  });
});
