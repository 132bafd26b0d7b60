// Ctrl-C (SIGINT) during a batch: the running run is cancelled within a step, finished outputs
// and the manifest stay intact, no temporary or partial file is left, and the exit code is 130.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';
import {
  GRAPHS_DIR,
  jsonLines,
  listFiles,
  readManifest,
  SLOW_TEST_MS,
  startCli,
  tempDir,
} from './harness.ts';

let fixtures: FixtureModels;
let temp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  fixtures = await ensureFixtureModels();
  temp = await tempDir('interrupt');
});
afterAll(() => temp.remove());

describe('diffgraph run + SIGINT', { timeout: SLOW_TEST_MS }, () => {
  it('cancels the slow run mid-sampling and exits 130 with a valid manifest', async () => {
    const out = join(temp.dir, 'out');
    const fast = join(GRAPHS_DIR, 'gaussian-latent.json');
    const slow = join(GRAPHS_DIR, 'slow-latent.json'); // 1000 ddpm steps
    const { child, done } = startCli([
      'run',
      fast,
      slow,
      fast,
      '--json',
      '--models',
      fixtures.modelsDir,
      '--device',
      'cpu',
      '--out',
      out,
    ]);
    // Interrupt once the slow run (job 2) has made a few sampler steps.
    let buffered = '';
    let signalled = false;
    child.stdout?.on('data', (chunk: string) => {
      buffered += chunk;
      if (!signalled && /"type":"node-progress"[^\n]*"step":3,[^\n]*"job":2/.test(buffered)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const result = await done;
    expect(signalled).toBe(true);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain('Interrupted');

    const events = jsonLines(result.stdout);
    const steps = events
      .filter((event) => event.type === 'node-progress' && event.job === 2)
      .map((e) => e.step as number);
    expect(Math.max(...steps)).toBeLessThan(1000); // stopped mid-sampling, not at the end
    expect(events.some((event) => event.type === 'run-cancelled' && event.job === 2)).toBe(true);
    expect(events.some((event) => event.job === 3)).toBe(false); // job 3 never started
    expect(events.at(-1)).toMatchObject({
      type: 'batch-summary',
      done: 1,
      cancelled: 1,
      skipped: 1,
      exitCode: 130,
    });

    const manifest = await readManifest(out); // parses: still valid JSON
    expect(manifest.runs.map((entry) => entry.status)).toEqual(['done', 'cancelled']);
    expect(manifest.runs[1].outputs).toEqual([]);
    // Only the finished run's output and the manifest: no temp files, nothing from the cancelled run.
    expect(await listFiles(out)).toEqual(['gauss_00001.npy', 'manifest.json']);
  });
});
