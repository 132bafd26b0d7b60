// The shipped U-Net equals the exact ε-predictor of the image set, recomputed here from scratch:
// the set re-rendered, encoded by the shipped VAE encoder, prompt attributes from the shipped text encoder.
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROMPT_LAMBDA } from '../../../scripts/default-model/build.ts';
import { type ShapeImage, shapeImageSet } from '../../../scripts/default-model/shapes.ts';
import { alphaBar, encodeWords, shippedJson, shippedSession } from './shipped-model.ts';

const SIZE = 128;
const DIM = 4 * 16 * 16;
let images: ShapeImage[];
let latents: Float32Array[];

beforeAll(async () => {
  images = shapeImageSet();
  const enc = await shippedSession('vae_encoder');
  const pixels = new Float32Array(images.length * 3 * SIZE * SIZE);
  images.forEach((img, i) => {
    pixels.set(img.pixels, i * 3 * SIZE * SIZE);
  });
  const z = (await enc.run({ sample: new ort.Tensor('float32', pixels, [images.length, 3, SIZE, SIZE]) }))
    .latent_sample;
  const scale = shippedJson('vae_decoder/config.json').scaling_factor as number;
  latents = images.map((_, i) =>
    Float32Array.from((z.data as Float32Array).subarray(i * DIM, (i + 1) * DIM), (v) => v * scale),
  );
});

/** Which named words image i matches (colour, shape, size, position), counted. */
function matches(img: ShapeImage, words: string[]): number {
  return words.filter((w) => w === img.colour || w === img.shape || w === img.size || w === img.position)
    .length;
}

/**
 * E[ε | x_t] over the set in float64, with prior ∝ exp(λ·matches + ᾱ_T‖X0‖²/(2(1−ᾱ_T))): the prompt
 * weight and the offset for starting from N(0, I) at T = 999 (see the README of the model).
 */
function exactEps(x: Float32Array, t: number, words: string[], lambda: number): Float64Array {
  const a = alphaBar(t);
  const aT = alphaBar(999);
  const logits = latents.map((x0, i) => {
    let d2 = 0;
    let n2 = 0;
    for (let j = 0; j < DIM; j++) {
      d2 += (x[j] - Math.sqrt(a) * x0[j]) ** 2;
      n2 += x0[j] ** 2;
    }
    return -d2 / (2 * (1 - a)) + lambda * matches(images[i], words) + (aT * n2) / (2 * (1 - aT));
  });
  const top = Math.max(...logits);
  const w = logits.map((l) => Math.exp(l - top));
  const total = w.reduce((s, v) => s + v, 0);
  const eps = new Float64Array(DIM);
  for (let j = 0; j < DIM; j++) {
    let e = 0;
    latents.forEach((x0, i) => {
      e += (w[i] / total) * x0[j];
    });
    eps[j] = (x[j] - Math.sqrt(a) * e) / Math.sqrt(1 - a);
  }
  return eps;
}

/** A deterministic noisy version of set image k at timestep t. */
function noisy(k: number, t: number, seed: number): Float32Array {
  const a = alphaBar(t);
  return Float32Array.from(
    latents[k],
    (v, j) => Math.sqrt(a) * v + Math.sqrt(1 - a) * Math.sin(j * 1.37 + seed * 0.71) * 1.2,
  );
}

describe('diffgraph-shapes U-Net', () => {
  it('has unit-std latents under its scaling factor', () => {
    let sq = 0;
    for (const z of latents) for (const v of z) sq += v * v;
    expect(Math.sqrt(sq / (latents.length * DIM))).toBeCloseTo(1, 2);
  });

  it('matches the exact ε-predictor for prompts, timesteps (fractional too) and noise levels', async () => {
    const unet = await shippedSession('unet');
    const cases: { words: string[]; t: number; k: number }[] = [
      { words: [], t: 999, k: 3 },
      // Noise of a green square with prompts naming other things: here the prompt term decides.
      { words: ['red', 'circle'], t: 999, k: 40 },
      { words: ['red', 'circle'], t: 870.5, k: 40 },
      { words: ['purple'], t: 820, k: 40 },
      { words: ['red', 'circle'], t: 700.5, k: 40 },
      { words: ['blue'], t: 400, k: 75 },
      { words: ['small', 'ring', 'left'], t: 120.25, k: 101 },
      { words: ['yellow', 'triangle'], t: 20, k: 110 },
      { words: ['large', 'square'], t: 2, k: 7 },
    ];
    const context = await encodeWords(cases.map((c) => c.words));
    const x = new Float32Array(cases.length * DIM);
    cases.forEach((c, b) => {
      x.set(noisy(c.k, c.t, b), b * DIM);
    });
    const out = await unet.run({
      sample: new ort.Tensor('float32', x, [cases.length, 4, 16, 16]),
      timestep: new ort.Tensor('float32', Float32Array.from(cases.map((c) => c.t)), [cases.length]),
      encoder_hidden_states: context,
    });
    const eps = out.out_sample.data as Float32Array;
    cases.forEach((c, b) => {
      const expected = exactEps(x.subarray(b * DIM, (b + 1) * DIM), c.t, c.words, PROMPT_LAMBDA);
      let err = 0;
      for (let j = 0; j < DIM; j++) err = Math.max(err, Math.abs(eps[b * DIM + j] - expected[j]));
      expect(err, `${c.words.join(' ')} at t=${c.t}`).toBeLessThan(1e-3);
    });
  });
});
