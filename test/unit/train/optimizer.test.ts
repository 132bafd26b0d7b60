// Adam against Kingma & Ba's Algorithm 1 worked by hand, the EMA warm-up rule, and the timestep
// embedding against its formula.
import { describe, expect, it } from 'vitest';
import { Adam, WeightAverage } from '../../../main/train/optimizer.ts';
import { Param } from '../../../main/train/param.ts';
import { timestepEmbedding } from '../../../main/train/time-embedding.ts';

function param(values: number[]): Param {
  const p = new Param('p', [values.length]);
  p.data.set(values);
  return p;
}

describe('Adam', () => {
  it('follows the bias-corrected update for two steps', () => {
    const p = param([1, -2]);
    const adam = new Adam([p], { lr: 0.1 });
    p.grad.set([0.5, -3]);
    adam.update();
    // Step 1: m̂ = g and v̂ = g², so each weight moves by lr·g/(|g| + ε) = ±0.1.
    expect(p.data[0]).toBeCloseTo(0.9, 6);
    expect(p.data[1]).toBeCloseTo(-1.9, 6);
    p.grad.set([0.25, 1]);
    adam.update();
    // Step 2 for weight 0: m = 0.9·0.05 + 0.1·0.25 = 0.07, v = 0.999·0.00025 + 0.001·0.0625 = 0.00031225;
    // m̂ = 0.07/0.19, v̂ = 0.00031225/0.001999.
    const m = 0.07 / 0.19;
    const v = 0.00031225 / (1 - 0.999 ** 2);
    expect(p.data[0]).toBeCloseTo(0.9 - (0.1 * m) / (Math.sqrt(v) + 1e-8), 5);
  });

  it('clips the global gradient norm before the moments see it', () => {
    const p = param([0, 0]);
    const adam = new Adam([p], { lr: 0.1, clipNorm: 1 });
    p.grad.set([3, 4]);
    expect(adam.update()).toBeCloseTo(5, 6);
    expect(adam.m[0][0]).toBeCloseTo(0.1 * 0.6, 6);
    expect(adam.m[0][1]).toBeCloseTo(0.1 * 0.8, 6);
  });
});

describe('EMA of the weights', () => {
  it('uses decay min(d, (1 + k)/(10 + k))', () => {
    const p = param([0]);
    const ema = new WeightAverage([p], 0.999);
    p.data[0] = 1;
    ema.update(0); // decay 0.1
    expect(ema.shadow[0][0]).toBeCloseTo(0.9, 6);
    ema.update(10_000); // decay 0.999
    expect(ema.shadow[0][0]).toBeCloseTo(0.9 + 0.001 * 0.1, 6);
  });
});

describe('sinusoidal timestep embedding', () => {
  it('is cos-first: [cos(t·10000^(−i/half)), sin(…)]', () => {
    const [zero, ten] = [0, 1].map((r) =>
      Array.from(timestepEmbedding([0, 10], 8).data.slice(r * 8, r * 8 + 8)),
    );
    expect(zero).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    // half = 4: frequencies 1, 0.1, 0.01, 0.001.
    const expected = [
      Math.cos(10),
      Math.cos(1),
      Math.cos(0.1),
      Math.cos(0.01),
      Math.sin(10),
      Math.sin(1),
      Math.sin(0.1),
      Math.sin(0.01),
    ];
    ten.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i], 6);
    });
  });
});
