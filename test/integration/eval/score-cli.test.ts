// `diffgraph score` end to end: real image files, a generated feature model with known features,
// the CLI as a subprocess. Expected features are computed here from the images' colours; the metrics
// themselves are checked against SciPy in test/unit/eval.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipScore } from '../../../main/eval/clip-score.ts';
import { frechetDistance } from '../../../main/eval/frechet.ts';
import { featureSet } from '../../../main/eval/statistics.ts';
import { writeMeanColourModel, writeTinyClip } from '../../fixtures/eval-models.ts';
import { runCli, SLOW_TEST_MS, tempDir } from '../cli/harness.ts';

const MATRIX = [
  [1, 0.5, 0, 0.2],
  [0, 1, 0.3, -0.4],
  [0.2, 0, 1, 0.6],
];
type Rgb = [number, number, number];

/** Solid-colour PNGs (so resizing keeps the mean colour exactly). */
async function writeSet(dir: string, colours: Rgb[], side: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [i, [r, g, b]] of colours.entries()) {
    await sharp({ create: { width: side, height: side, channels: 3, background: { r, g, b } } })
      .png()
      .toFile(join(dir, `img_${String(i).padStart(3, '0')}.png`));
  }
}

const features = (colours: Rgb[]) =>
  featureSet(
    colours.map((c) => MATRIX[0].map((_, d) => c.reduce((s, v, k) => s + (v / 255) * MATRIX[k][d], 0))),
  );

function colours(count: number, shift: number): Rgb[] {
  return Array.from({ length: count }, (_, i) => [
    (37 * i + shift) % 256,
    (91 * i + 2 * shift) % 256,
    (53 * i + 7 + shift) % 256,
  ]);
}

describe('diffgraph score', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let model: string;
  const setA = colours(12, 0);
  const setB = colours(9, 40);

  beforeAll(async () => {
    ({ dir, remove } = await tempDir('score'));
    model = await writeMeanColourModel(join(dir, 'features'), MATRIX, [8, 8]);
    await writeSet(join(dir, 'a'), setA, 8);
    await writeSet(join(dir, 'a-large'), setA, 20); // resized to 8×8 by the features.json filter
    await writeSet(join(dir, 'b'), setB, 8);
  });
  afterAll(() => remove());

  it(
    'fid --json: the Fréchet distance of the features the model gives, with both counts',
    async () => {
      const result = await runCli([
        'score',
        'fid',
        join(dir, 'a'),
        join(dir, 'b'),
        '--features',
        model,
        '--json',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout);
      const expected = frechetDistance(features(setA), features(setB)).fid;
      expect(report.fid).toBeGreaterThan(0.01);
      expect(Math.abs(report.fid - expected) / expected).toBeLessThan(1e-4); // float32 features
      expect(report.n_a).toBe(12);
      expect(report.n_b).toBe(9);
    },
    SLOW_TEST_MS,
  );

  it(
    'identical sets (one of them resized on the way in) give FID ≈ 0; a set smaller than the feature size is warned about',
    async () => {
      const result = await runCli([
        'score',
        'fid',
        join(dir, 'a'),
        join(dir, 'a-large'),
        '--features',
        model,
        '--json',
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(Math.abs(JSON.parse(result.stdout).fid)).toBeLessThan(1e-5);
      await writeSet(join(dir, 'tiny'), colours(3, 9), 8);
      const small = await runCli(['score', 'fid', join(dir, 'tiny'), join(dir, 'b'), '--features', model]);
      expect(small.code, small.stderr).toBe(0);
      expect(small.stdout).toMatch(/^fid: /m);
      expect(small.stderr).toMatch(/warning: set A has 3 images for 4-dimensional features/);
      expect(small.stderr).not.toMatch(/set B/); // 9 images for 4 dimensions is enough
    },
    SLOW_TEST_MS,
  );

  it(
    'kid --json: the unbiased estimator over the whole (small) sets',
    async () => {
      const result = await runCli([
        'score',
        'kid',
        join(dir, 'a'),
        join(dir, 'b'),
        '--features',
        model,
        '--json',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report.subsets).toBe(1);
      expect(typeof report.kid).toBe('number');
      expect(report.n_a).toBe(12);
    },
    SLOW_TEST_MS,
  );

  it(
    'clip: w·max(cos, 0) per image against the prompt, averaged, with w stated',
    async () => {
      const vocab = JSON.parse(
        readFileSync(join(import.meta.dirname, '../../fixtures/clip-tokenizer/vocab.json'), 'utf8'),
      );
      const red: Rgb = [1, 0.2, 0];
      await writeTinyClip(join(dir, 'clip'), new Map([[vocab['red</w>'], red]]));
      const images: Rgb[] = [
        [255, 0, 0],
        [0, 0, 255],
        [255, 128, 0],
      ];
      await writeSet(join(dir, 'clip-images'), images, 8);
      const result = await runCli([
        'score',
        'clip',
        join(dir, 'clip-images'),
        '--prompt',
        'red things',
        '--clip',
        join(dir, 'clip'),
        '--json',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout);
      const expected = clipScore(
        images.map((c) => c.map((v) => v / 255)),
        [red],
      );
      expect(report.weight).toBe(2.5);
      expect(report.per_image[1]).toBe(0); // blue against red: cos 0, clipped at 0
      for (const [i, v] of (report.per_image as number[]).entries())
        expect(v).toBeCloseTo(expected.per_image[i], 5);
      expect(report.clip_score).toBeCloseTo(expected.clip_score, 5);
    },
    SLOW_TEST_MS,
  );

  it(
    'bad input: a missing features.json or an empty folder exits 2 naming the file',
    async () => {
      await mkdir(join(dir, 'empty'), { recursive: true });
      const empty = await runCli(['score', 'fid', join(dir, 'empty'), join(dir, 'b'), '--features', model]);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain(join(dir, 'empty'));
      const noConfig = await runCli([
        'score',
        'fid',
        join(dir, 'a'),
        join(dir, 'b'),
        '--features',
        join(dir, 'a', 'img_000.png'),
      ]);
      expect(noConfig.code).toBe(2);
      expect(noConfig.stderr).toContain('features.json');
    },
    SLOW_TEST_MS,
  );
});
