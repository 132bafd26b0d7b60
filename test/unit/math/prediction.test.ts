// Prediction-type conversion (ε, v, x₀ → denoised), guidance arithmetic and the latent preview,
// checked against the definitions: x_t = √ᾱ·x₀ + √(1−ᾱ)·ε (α form) = (x₀ + σ·ε)·√ᾱ, v = √ᾱ·ε − √(1−ᾱ)·x₀.
import { describe, expect, it } from 'vitest';
import { combineGuidance, denoisedAlpha, denoisedSigma } from '../../../nodes/math/prediction.ts';
import { latentPreview } from '../../../nodes/math/preview.ts';

const x0 = Float32Array.from({ length: 32 }, (_, i) => Math.sin(i) * 0.8);
const eps = Float32Array.from({ length: 32 }, (_, i) => Math.cos(3 * i));

describe('prediction types', () => {
  for (const alphaBar of [0.9, 0.3, 0.01]) {
    const a = Math.sqrt(alphaBar);
    const s = Math.sqrt(1 - alphaBar);
    const sigma = s / a;
    const xAlpha = x0.map((v, i) => a * v + s * eps[i]);
    const xSigma = x0.map((v, i) => v + sigma * eps[i]);
    const outputs = {
      epsilon: eps,
      v_prediction: x0.map((v, i) => a * eps[i] - s * v),
      sample: x0,
    } as const;
    for (const [type, out] of Object.entries(outputs) as [keyof typeof outputs, Float32Array][]) {
      it(`${type} at ᾱ = ${alphaBar}: recovers x₀ (and ε) in α and σ coordinates`, () => {
        const d = new Float32Array(32);
        const e = new Float32Array(32);
        denoisedAlpha(out, xAlpha, a, s, type, d, e);
        d.forEach((v, i) => {
          expect(v).toBeCloseTo(x0[i], 4);
        });
        e.forEach((v, i) => {
          expect(v).toBeCloseTo(eps[i], type === 'sample' && alphaBar > 0.5 ? 3 : 4);
        });
        // σ-space models see x/√(σ²+1) = the α-form input, and give the same raw output
        denoisedSigma(out, xSigma, sigma, type, d);
        d.forEach((v, i) => {
          expect(v).toBeCloseTo(x0[i], 4);
        });
      });
    }
  }
});

describe('guidance and preview', () => {
  it('combines u + cfg·(c − u)', () => {
    const out = combineGuidance(
      Float32Array.from([1, -2, 0.5]),
      Float32Array.from([3, 2, 0.5]),
      7.5,
      new Float32Array(3),
    );
    expect(Array.from(out)).toEqual([16, 28, 0.5]);
  });

  it('maps SD latent channels to RGB with the latent_rgb_factors, (v + 1)/2 scaled to bytes', () => {
    const latent = new Float32Array(4 * 2 * 2);
    latent.fill(1, 0, 4); // channel 0 = 1 everywhere
    const preview = latentPreview(latent, [1, 4, 2, 2]);
    expect([preview.width, preview.height]).toEqual([2, 2]);
    const expected = [0.3512, 0.2297, 0.3227].map((f) => Math.floor(((f + 1) / 2) * 255 + 0.5));
    expect(Array.from(preview.rgb.subarray(0, 3))).toEqual(expected);
  });

  it('downsamples large latents to at most 64 pixels a side', () => {
    const preview = latentPreview(new Float32Array(4 * 128 * 96), [1, 4, 128, 96]);
    expect([preview.width, preview.height]).toEqual([48, 64]);
  });
});
