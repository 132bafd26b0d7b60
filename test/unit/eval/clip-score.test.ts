// CLIPScore on known embeddings: the formula of Hessel et al. (2021), w·max(cos, 0).
import { describe, expect, it } from 'vitest';
import { clipScore, cosine } from '../../../main/eval/clip-score.ts';

describe('CLIPScore', () => {
  it('w · max(cos, 0) per image and the mean, with w = 2.5 or 100', () => {
    const text = [1, 0, 0];
    const images = [
      [2, 0, 0], // cos 1
      [1, 1, 0], // cos 1/√2
      [-1, 0, 0], // cos -1 -> 0
    ];
    const hessel = clipScore(images, [text]);
    expect(hessel.weight).toBe(2.5);
    expect(hessel.per_image[0]).toBeCloseTo(2.5, 12);
    expect(hessel.per_image[1]).toBeCloseTo(2.5 / Math.SQRT2, 12);
    expect(hessel.per_image[2]).toBe(0);
    expect(hessel.clip_score).toBeCloseTo((2.5 + 2.5 / Math.SQRT2) / 3, 12);
    expect(clipScore(images, [text], 'torchmetrics').clip_score).toBeCloseTo(
      (100 + 100 / Math.SQRT2) / 3,
      10,
    );
  });

  it('one text per image, or one for all; mismatched counts and sizes are refused', () => {
    expect(clipScore([[0, 1]], [[0, 3]]).per_image).toEqual([2.5]);
    expect(() => clipScore([[1], [1]], [[1], [1], [1]])).toThrow(/3 texts, 2 images/);
    expect(() => cosine([1, 2], [1, 2, 3])).toThrow(/2 and 3/);
  });
});
