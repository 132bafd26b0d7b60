// `diffgraph eval` end to end: the default graph over a 2-cell grid × 4 seeds on the shipped model,
// scored against reference images of the shapes set, with eval.json and the plots written.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frechetDistance } from '../../../main/eval/frechet.ts';
import { featureSet } from '../../../main/eval/statistics.ts';
import { IMAGE_SIZE, PLACEMENTS, renderShape } from '../../../scripts/default-model/shapes.ts';
import { writeMeanColourModel } from '../../fixtures/eval-models.ts';
import { runCli, SLOW_TEST_MS, tempDir } from '../cli/harness.ts';

const MATRIX = [
  [1, 0, 0.3],
  [0, 1, 0.3],
  [0, 0, 1],
];

/** The set's red circles as PNGs (CHW in -1..1 -> 8-bit RGB). */
async function writeReference(dir: string): Promise<void> {
  const n = IMAGE_SIZE;
  for (const [i, place] of PLACEMENTS.entries()) {
    const chw = renderShape('circle', 'red', place);
    const rgb = Buffer.alloc(n * n * 3);
    for (let p = 0; p < n * n; p++)
      for (let c = 0; c < 3; c++) rgb[p * 3 + c] = Math.round(((chw[c * n * n + p] + 1) / 2) * 255);
    await sharp(rgb, { raw: { width: n, height: n, channels: 3 } })
      .png()
      .toFile(join(dir, `ref_${i}.png`));
  }
}

async function meanColours(paths: string[]): Promise<number[][]> {
  return Promise.all(
    paths.map(async (p) => {
      const { data } = await sharp(p).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const sum = [0, 0, 0];
      for (let i = 0; i < data.length; i++) sum[i % 3] += data[i] / 255;
      const mean = sum.map((s) => s / (data.length / 3));
      return MATRIX[0].map((_, d) => mean.reduce((s, v, k) => s + v * MATRIX[k][d], 0));
    }),
  );
}

describe('diffgraph eval', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, remove } = await tempDir('eval'));
    await writeMeanColourModel(join(dir, 'features'), MATRIX, [IMAGE_SIZE, IMAGE_SIZE]); // no resize: means stay exact
    await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'reference')));
    await writeReference(join(dir, 'reference'));
  });
  afterAll(() => remove());

  it(
    'scores each cell of steps × seeds against the reference and writes eval.json and plots',
    async () => {
      const out = join(dir, 'out');
      const result = await runCli([
        'eval',
        'graphs/default.json',
        '--set',
        'schedule.steps=2,10',
        '--set',
        'sampler.sampler=ddim',
        '--seeds',
        '1-4',
        '--reference',
        join(dir, 'reference'),
        '--features',
        join(dir, 'features', 'model.onnx'),
        '--device',
        'cpu',
        '--out',
        out,
      ]);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(await readFile(join(out, 'eval.json'), 'utf8'));
      expect(report.axes).toEqual([{ nodeId: 'schedule', widget: 'steps', values: ['2', '10'] }]);
      expect(report.reference.n).toBe(PLACEMENTS.length);
      expect(report.cells.map((c: { values: object }) => c.values)).toEqual([
        { 'schedule.steps': '2' },
        { 'schedule.steps': '10' },
      ]);
      const reference = featureSet(
        await meanColours(PLACEMENTS.map((_, i) => join(dir, 'reference', `ref_${i}.png`))),
      );
      for (const cell of report.cells) {
        expect(cell.images).toHaveLength(4);
        expect(cell.n).toBe(4);
        // The cell's FID is the Fréchet distance of its own images' features to the reference's.
        const features = featureSet(await meanColours(cell.images));
        const expected = frechetDistance(features, reference).fid;
        expect(Math.abs(cell.scores.fid - expected)).toBeLessThan(1e-4 * Math.max(1, expected));
        expect(Number.isFinite(cell.scores.kid)).toBe(true);
      }
      const svg = await readFile(join(out, 'eval-fid.svg'), 'utf8');
      expect(svg).toContain('<polyline');
      expect(svg).toContain('FID against schedule.steps');
      expect((await stat(join(out, 'eval-fid.png'))).size).toBeGreaterThan(1000);
      expect((await stat(join(out, 'eval-kid.svg'))).size).toBeGreaterThan(100);
    },
    SLOW_TEST_MS,
  );

  it(
    'an unknown metric or a missing reference folder is bad input (exit 2)',
    async () => {
      const metric = await runCli([
        'eval',
        'graphs/default.json',
        '--seeds',
        '1',
        '--reference',
        dir,
        '--features',
        'x.onnx',
        '--metric',
        'is',
      ]);
      expect(metric.code).toBe(2);
      expect(metric.stderr).toContain('unknown is');
    },
    SLOW_TEST_MS,
  );
});
