// `diffgraph run` as a subprocess: seed sweeps, --repeat, overrides, PNG input, the manifest.
import { existsSync } from 'node:fs';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_GRAPHS_DIR } from '../../../main/paths.ts';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';
import { GRAPHS_DIR, listFiles, readManifest, runCli, SLOW_TEST_MS, tempDir } from './harness.ts';

const TINY = join(GRAPHS_DIR, 'tiny-txt2img.json');
const GAUSS = join(GRAPHS_DIR, 'gaussian-latent.json');

let fixtures: FixtureModels;
let temp: Awaited<ReturnType<typeof tempDir>>;
let count = 0;

beforeAll(async () => {
  fixtures = await ensureFixtureModels();
  temp = await tempDir('batch');
});
afterAll(() => temp.remove());

/** Run in a fresh output folder; returns the folder and the result. */
async function run(args: string[], out = join(temp.dir, `out-${++count}`)) {
  const result = await runCli([
    'run',
    ...args,
    '--models',
    fixtures.modelsDir,
    '--device',
    'cpu',
    '--out',
    out,
  ]);
  return { out, result };
}

async function pixels(path: string): Promise<Buffer> {
  return sharp(path).raw().toBuffer();
}

/** The shape in a .npy header, read straight from the bytes (NumPy's format: a Python dict literal). */
async function npyShape(path: string): Promise<number[]> {
  const header = (await readFile(path)).subarray(0, 128).toString('latin1');
  const shape = /'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '';
  return shape
    .split(',')
    .filter((part) => part.trim())
    .map(Number);
}

describe('diffgraph run', { timeout: SLOW_TEST_MS }, () => {
  it('--seeds 1-3 makes three runs with distinct images and a manifest listing each seed', async () => {
    const { out, result } = await run([TINY, '--seeds', '1-3']);
    expect(result.code, result.stderr).toBe(0);
    const manifest = await readManifest(out);
    expect(manifest.runs.map((entry) => entry.seed)).toEqual([1, 2, 3]);
    expect(manifest.runs.map((entry) => entry.seedWidgets)).toEqual(
      [1, 2, 3].map((seed) => ({ 'sampler.seed': seed })),
    );
    for (const entry of manifest.runs) {
      expect(entry).toMatchObject({ status: 'done', graph: TINY, device: 'cpu', error: null });
      expect(entry.outputs).toHaveLength(1);
    }
    const files = manifest.runs.map((entry) => join(out, entry.outputs[0].path));
    expect(files.map((file) => file.slice(out.length + 1))).toEqual([
      'tiny_00001.png',
      'tiny_00002.png',
      'tiny_00003.png',
    ]);
    const images = await Promise.all(files.map(pixels));
    expect(images[0].equals(images[1])).toBe(false);
    expect(images[1].equals(images[2])).toBe(false);
    expect(images[0].equals(images[2])).toBe(false);
    // The engine stays up for the batch: the prompt is encoded once and reused by later seeds.
    expect(manifest.runs[1].timings.cached).toEqual(
      expect.arrayContaining(['pipeline', 'positive', 'negative']),
    );
    expect(result.stdout.split('\n').filter((line) => /^\[\d\/3\] .*done/.test(line))).toHaveLength(3);
  });

  it('the same seed gives the same image; --repeat follows the seed widget control (increment)', async () => {
    const single = await run([TINY, '--seed', '8']);
    const repeated = await run([TINY, '--repeat', '3']);
    expect(repeated.result.code, repeated.result.stderr).toBe(0);
    const runs = (await readManifest(repeated.out)).runs;
    // The graph stores seed 7 with seedControl "increment".
    expect(runs.map((entry) => [entry.seed, entry.repeat])).toEqual([
      [7, 1],
      [8, 2],
      [9, 3],
    ]);
    const fromSingle = await pixels(
      join(single.out, (await readManifest(single.out)).runs[0].outputs[0].path),
    );
    const fromRepeat = await pixels(join(repeated.out, runs[1].outputs[0].path));
    expect(fromRepeat.equals(fromSingle)).toBe(true);
  });

  it('--set overrides widgets by their type and the manifest records them', async () => {
    const plain = await run([GAUSS]);
    const resized = await run([GAUSS, '--set', 'latent.width=64', '--set', 'latent.height=48']);
    expect(resized.result.code, resized.result.stderr).toBe(0);
    const [before, after] = [
      (await readManifest(plain.out)).runs[0],
      (await readManifest(resized.out)).runs[0],
    ];
    expect(await npyShape(join(plain.out, before.outputs[0].path))).toEqual([1, 4, 32 / 8, 32 / 8]);
    expect(await npyShape(join(resized.out, after.outputs[0].path))).toEqual([1, 4, 48 / 8, 64 / 8]);
    expect(after.overrides).toEqual({ 'latent.width': 64, 'latent.height': 48 });

    const prompt = await run([TINY, '--seed', '3', '--set', 'positive.text=a blue square']);
    const same = await run([TINY, '--seed', '3']);
    const [a, b] = await Promise.all(
      [prompt, same].map(async ({ out }) =>
        pixels(join(out, (await readManifest(out)).runs[0].outputs[0].path)),
      ),
    );
    expect(a.equals(b)).toBe(false);
    expect((await readManifest(prompt.out)).runs[0].overrides).toEqual({ 'positive.text': 'a blue square' });
  });

  it('a PNG made by SaveImage is a graph: running it reproduces the image', async () => {
    const first = await run([TINY, '--seed', '11', '--set', 'positive.text=a green ring']);
    const png = join(first.out, (await readManifest(first.out)).runs[0].outputs[0].path);
    const again = await run([png]);
    expect(again.result.code, again.result.stderr).toBe(0);
    const entry = (await readManifest(again.out)).runs[0];
    expect(entry.graph).toBe(resolve(png));
    expect(entry.seed).toBe(11);
    expect((await pixels(join(again.out, entry.outputs[0].path))).equals(await pixels(png))).toBe(true);
  });

  it('accepts absolute paths in graph widgets (the CLI policy; the editor and server refuse them)', async () => {
    const elsewhere = join(temp.dir, 'elsewhere', 'my-sd');
    await cp(fixtures.pipelines.tinySd, elsewhere, { recursive: true });
    const absolute = await run([TINY, '--seed', '5', '--set', `pipeline.model=${elsewhere}`]);
    expect(absolute.result.code, absolute.result.stderr).toBe(0);
    const byName = await run([TINY, '--seed', '5']);
    const [a, b] = await Promise.all(
      [absolute, byName].map(async ({ out }) =>
        pixels(join(out, (await readManifest(out)).runs[0].outputs[0].path)),
      ),
    );
    expect(a.equals(b)).toBe(true);
  });

  it('appends to an existing manifest and never overwrites earlier outputs', async () => {
    const first = await run([GAUSS, '--seed', '1']);
    const second = await run([GAUSS, '--seed', '2'], first.out);
    expect(second.result.code, second.result.stderr).toBe(0);
    const manifest = await readManifest(first.out);
    expect(manifest.runs.map((entry) => [entry.seed, entry.outputs[0].path])).toEqual([
      [1, 'gauss_00001.npy'],
      [2, 'gauss_00002.npy'],
    ]);
    expect(await listFiles(first.out)).toEqual(['gauss_00001.npy', 'gauss_00002.npy', 'manifest.json']);
  });

  it('two batches writing to one folder at once both land in the manifest, with distinct files', async () => {
    const out = join(temp.dir, 'shared');
    const [a, b] = await Promise.all([
      run([GAUSS, '--seeds', '1-4'], out),
      run([GAUSS, '--seeds', '5-8'], out),
    ]);
    expect(a.result.code, a.result.stderr).toBe(0);
    expect(b.result.code, b.result.stderr).toBe(0);
    const runs = (await readManifest(out)).runs;
    expect(runs.map((entry) => entry.seed).sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    const files = await listFiles(out);
    expect(files).toEqual([
      ...Array.from({ length: 8 }, (_, i) => `gauss_0000${i + 1}.npy`),
      'manifest.json',
    ]);
    expect(new Set(runs.map((entry) => entry.outputs[0].path)).size).toBe(8);
  });

  it('refuses (exit 2) to replace a manifest.json it cannot read, leaving it untouched', async () => {
    const { out } = await run([GAUSS]);
    await writeFile(join(out, 'manifest.json'), '{"not": "a manifest"');
    const { result } = await run([GAUSS], out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(join(out, 'manifest.json'));
    expect(await readFile(join(out, 'manifest.json'), 'utf8')).toBe('{"not": "a manifest"');
    expect(existsSync(join(out, 'gauss_00002.npy'))).toBe(false);
  });
});

describe('diffgraph run: the shipped default graph', { timeout: SLOW_TEST_MS }, () => {
  /** Mean of each RGB channel over the brightest tenth of the pixels (the shape, not the background). */
  async function shapeColour(path: string): Promise<[number, number, number]> {
    const data = await pixels(path);
    const rgb = Array.from({ length: data.length / 3 }, (_, i) => [
      data[3 * i],
      data[3 * i + 1],
      data[3 * i + 2],
    ]);
    rgb.sort((a, b) => b[0] + b[1] + b[2] - (a[0] + a[1] + a[2]));
    const top = rgb.slice(0, Math.ceil(rgb.length / 10));
    return [0, 1, 2].map((c) => top.reduce((sum, p) => sum + p[c], 0) / top.length) as [
      number,
      number,
      number,
    ];
  }

  it('runs graphs/default.json with the bundled model; --set on the prompt changes what it draws', async () => {
    const graph = join(BUNDLED_GRAPHS_DIR, 'default.json');
    const red = await runCli([
      'run',
      graph,
      '--seed',
      '5',
      '--device',
      'cpu',
      '--out',
      join(temp.dir, 'default-red'),
    ]);
    const blue = await runCli([
      'run',
      graph,
      '--seed',
      '5',
      '--device',
      'cpu',
      '--out',
      join(temp.dir, 'default-blue'),
      '--set',
      'positive.text=a blue square',
    ]);
    expect(red.code, red.stderr).toBe(0);
    expect(blue.code, blue.stderr).toBe(0);
    // The graph's prompt is "a red circle": the shape's pixels are red; with the override, blue.
    const [r1, , b1] = await shapeColour(join(temp.dir, 'default-red', 'diffgraph_00001.png'));
    const [r2, , b2] = await shapeColour(join(temp.dir, 'default-blue', 'diffgraph_00001.png'));
    expect(r1).toBeGreaterThan(b1 + 50);
    expect(b2).toBeGreaterThan(r2 + 50);
  });
});

describe('diffgraph run: failures', { timeout: SLOW_TEST_MS }, () => {
  const BROKEN = join(GRAPHS_DIR, 'broken-unet.json');

  it('stops at the first failed run by default (exit 1), naming the node', async () => {
    const { out, result } = await run([BROKEN, GAUSS]);
    expect(result.code).toBe(1);
    const runs = (await readManifest(out)).runs;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'failed', error: { nodeId: 'unet' } });
    expect(result.stdout).toMatch(/\[1\/2\] broken-unet\.json.*FAILED at node unet/);
    expect(result.stdout).toMatch(/1 not run/);
    expect(await listFiles(out)).toEqual(['manifest.json']);
  });

  it('--continue-on-error runs the rest and still exits 1', async () => {
    const { out, result } = await run([BROKEN, GAUSS, '--continue-on-error']);
    expect(result.code).toBe(1);
    const runs = (await readManifest(out)).runs;
    expect(runs.map((entry) => entry.status)).toEqual(['failed', 'done']);
    expect(await listFiles(out)).toEqual(['gauss_00001.npy', 'manifest.json']);
  });
});
