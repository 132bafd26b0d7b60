// The default model's text encoder understands its words through the real CLIP tokenizer, and its
// VAE reconstructs the image set well and keeps latents spatial (a cell describes its 8×8 patch).
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedPipeline } from '../../../main/runtime/loaders.ts';
import { type ShapeImage, shapeImageSet } from '../../../scripts/default-model/shapes.ts';
import { IMAGE, loadDefaultModel, reconstructedSet, type SetImage } from './sampling-helpers.ts';
import { MODEL_DIR } from './shipped-model.ts';

const ATTRIBUTE_ORDER = [
  'red',
  'green',
  'blue',
  'yellow',
  'purple',
  'orange',
  'circle',
  'square',
  'triangle',
  'cross',
  'ring',
  'small',
  'large',
  'center',
  'left',
  'right',
  'top',
  'bottom',
];

let pipeline: LoadedPipeline;
beforeAll(async () => {
  pipeline = await loadDefaultModel();
});

/** The attributes a prompt names: the non-zero entries of the max over tokens of its hidden states. */
async function named(prompt: string): Promise<string[]> {
  const c = await pipeline.clip.encode([prompt]);
  const d = c.shape[2];
  const out: string[] = [];
  for (let k = 0; k < d; k++) {
    let m = 0;
    for (let t = 0; t < 77; t++) m = Math.max(m, c.data[t * d + k]);
    if (m !== 0) out.push(k < ATTRIBUTE_ORDER.length ? ATTRIBUTE_ORDER[k] : `dim${k}`);
  }
  return out;
}

describe('default model text encoder', () => {
  it('gives [1, 77, 768] conditioning like SD 1.x', async () => {
    expect((await pipeline.clip.encode(['a red circle'])).shape).toEqual([1, 77, 768]);
  });

  it('names the attributes of known words, synonyms included, and nothing for other words', async () => {
    expect(await named('A RED circle')).toEqual(['red', 'circle']);
    expect(await named('a big violet donut, on the left!')).toEqual(['purple', 'ring', 'large', 'left']);
    expect(await named('tiny plus in the middle, lower half')).toEqual([
      'cross',
      'small',
      'center',
      'bottom',
    ]);
    expect(await named('')).toEqual([]);
    expect(await named('a photo of a cat')).toEqual([]);
  });
});

describe('default model VAE', () => {
  let set: SetImage[];
  beforeAll(async () => {
    set = await reconstructedSet(pipeline);
  });

  it('reconstructs every image of the set with PSNR above 22 dB (28 on average)', async () => {
    const px = IMAGE * IMAGE;
    const originals = shapeImageSet();
    const psnrs = set.map((s, i) => {
      const o = originals[i];
      let err = 0;
      for (let p = 0; p < px; p++)
        for (let c = 0; c < 3; c++) err += (s.pixels[p * 3 + c] - (o.pixels[c * px + p] + 1) / 2) ** 2;
      return 10 * Math.log10(1 / (err / (3 * px)));
    });
    expect(Math.min(...psnrs)).toBeGreaterThan(22);
    expect(psnrs.reduce((a, b) => a + b) / psnrs.length).toBeGreaterThan(28);
  });

  it('keeps latents spatial: cells of background patches agree, cells under the shapes differ', async () => {
    if (!pipeline.vae.encode) throw new Error('no encoder');
    const px = IMAGE * IMAGE;
    const toHwc = (img: ShapeImage) =>
      Float32Array.from({ length: px * 3 }, (_, k) => (img.pixels[(k % 3) * px + Math.floor(k / 3)] + 1) / 2);
    const pick = (position: string) =>
      shapeImageSet().find((s) => s.position === position && s.colour === 'red' && s.shape === 'circle');
    const left = pick('left');
    const right = pick('right');
    if (!left || !right) throw new Error('set lacks left/right red circles');
    const z = await pipeline.vae.encode({
      data: Float32Array.from([...toHwc(left), ...toHwc(right)]),
      shape: [2, IMAGE, IMAGE, 3],
    });
    const cells = IMAGE / 8;
    const diff = (rows: [number, number], cols: [number, number]) => {
      let d = 0;
      for (let c = 0; c < 4; c++)
        for (let y = rows[0]; y < rows[1]; y++)
          for (let x = cols[0]; x < cols[1]; x++)
            d += Math.abs(z.data[(c * cells + y) * cells + x] - z.data[((4 + c) * cells + y) * cells + x]);
      return d;
    };
    // Circles (radius 20 px) are centred at y = 64 px, x = 30 and 98 px: rows 0-4 are background in both.
    expect(diff([0, 5], [0, cells])).toBeLessThan(1e-3);
    expect(diff([5, 11], [1, 7])).toBeGreaterThan(10);
  });
});

describe('default model files', () => {
  it('fit in 10 MB', async () => {
    let total = 0;
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else total += statSync(path).size;
      }
    };
    await walk(MODEL_DIR);
    expect(total).toBeLessThan(10 * 1024 * 1024);
  });
});
