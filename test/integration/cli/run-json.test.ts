// `diffgraph run --json`: stdout is JSON lines only (engine events tagged with their job, a
// summary per run and one for the batch); people's messages go to stderr.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';
import { GRAPHS_DIR, jsonLines, readManifest, runCli, SLOW_TEST_MS, tempDir } from './harness.ts';

let fixtures: FixtureModels;
let temp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  fixtures = await ensureFixtureModels();
  temp = await tempDir('json');
});
afterAll(() => temp.remove());

describe('diffgraph run --json', { timeout: SLOW_TEST_MS }, () => {
  it('prints only JSON lines: batch-started, each run in order, run summaries, batch summary', async () => {
    const out = join(temp.dir, 'out');
    const graphs = [join(GRAPHS_DIR, 'gaussian-latent.json'), join(GRAPHS_DIR, 'broken-unet.json')];
    const args = ['run', ...graphs, '--seeds', '4,9', '--continue-on-error', '--json'];
    const result = await runCli([...args, '--models', fixtures.modelsDir, '--device', 'cpu', '--out', out]);
    expect(result.code).toBe(1);
    const events = jsonLines(result.stdout); // throws on any line that is not JSON
    expect(events[0]).toMatchObject({ type: 'batch-started', total: 4, device: 'cpu', out });
    expect(events.at(-1)).toMatchObject({ type: 'batch-summary', runs: 4, done: 2, failed: 2, exitCode: 1 });

    const summaries = events.filter((event) => event.type === 'run-summary');
    expect(summaries.map((event) => [event.job, event.seed, event.status])).toEqual([
      [1, 4, 'done'],
      [2, 9, 'done'],
      [3, 4, 'failed'],
      [4, 9, 'failed'],
    ]);
    // The manifest says the same as the summaries.
    const manifest = await readManifest(out);
    expect(manifest.runs.map((entry) => entry.runId)).toEqual(summaries.map((event) => event.runId));

    for (const job of [1, 2, 3, 4]) {
      const own = events.filter((event) => event.job === job);
      const types = own.map((event) => event.type);
      expect(types[0]).toBe('run-started');
      expect(types.at(-1)).toBe('run-summary');
      expect(types.at(-2)).toBe(job <= 2 ? 'run-done' : 'run-failed');
      expect(new Set(own.map((event) => event.runId)).size).toBe(1);
    }
    const progress = events.filter((event) => event.type === 'node-progress' && event.job === 1);
    expect(progress.map((event) => event.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const failed = events.find((event) => event.type === 'run-failed');
    expect(failed).toMatchObject({ nodeId: 'unet' });
  });

  it('bad input still keeps stdout free of anything but JSON (here: nothing) and exits 2', async () => {
    const result = await runCli([
      'run',
      join(temp.dir, 'missing.json'),
      '--json',
      '--out',
      join(temp.dir, 'x'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('missing.json: file not found');
  });
});
