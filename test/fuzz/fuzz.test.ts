// Fuzz test: a seeded set of malformed graphs and PNGs. Every case must end like
// `diffgraph validate` promises — exit 0 or 2 — with no stack trace, no raw control characters,
// in bounded time and memory (a child process with a capped heap reports its peak RSS); a few
// cases also go through the real CLI. Replay a failure with the seed and case number it names.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../integration/cli/harness.ts';
import { malformedCases } from './malformed-inputs.ts';

const run = promisify(execFile);
const SEED = 20261205;
const CASES = 300;
/** The heap cap of the child; its whole resident size must stay under PEAK_RSS_LIMIT. */
const HEAP_CAP_MB = 512;
const PEAK_RSS_LIMIT = 768 * 1024 * 1024;
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'diffgraph-fuzz-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Summary {
  outcomes: { name: string; exit: number; ms: number; output: string }[];
  peakRssBytes: number;
}

describe('fuzz: malformed graphs and PNGs', () => {
  it(`${CASES} seeded cases end with exit 0 or 2, no stack trace, bounded time and memory`, async () => {
    const child = join(import.meta.dirname, 'fuzz-child.ts');
    const { stdout } = await run(
      process.execPath,
      [`--max-old-space-size=${HEAP_CAP_MB}`, '--import', 'tsx', child, dir, String(SEED), String(CASES)],
      { maxBuffer: 64 << 20, timeout: 120_000 },
    );
    const summary = JSON.parse(stdout) as Summary;
    expect(summary.outcomes).toHaveLength(CASES);
    const bad = summary.outcomes.filter(
      (o) =>
        (o.exit !== 0 && o.exit !== 2) ||
        STACK_LINE.test(o.output) ||
        /\p{Cc}/u.test(o.output.replace(/\n/g, '')),
    );
    expect(bad.map((o) => `${o.name}: exit ${o.exit}: ${o.output.slice(0, 300)}`)).toEqual([]);
    // Most cases must be refused (exit 2); a generator that only made valid graphs would test nothing.
    expect(summary.outcomes.filter((o) => o.exit === 2).length).toBeGreaterThan(CASES * 0.8);
    // No single case may take long (the reported defects took 15-46 s); generous for a busy machine.
    const slowest = summary.outcomes.reduce((a, b) => (b.ms > a.ms ? b : a));
    expect(slowest.ms, slowest.name).toBeLessThan(5000);
    expect(summary.peakRssBytes).toBeLessThan(PEAK_RSS_LIMIT);
  }, 120_000);

  it('the real `diffgraph validate` agrees on a sample: exit 0 or 2, no stack trace', async () => {
    const sample = malformedCases(SEED + 1, 1);
    for (const fuzzCase of sample) {
      const path = join(dir, `cli-${fuzzCase.name}${fuzzCase.ext}`);
      await writeFile(path, fuzzCase.bytes);
      const result = await run(process.execPath, [CLI, 'validate', path], { timeout: 60_000 }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect([0, 2], `${fuzzCase.name}: ${result.stderr}`).toContain(result.code);
      expect(result.stderr).not.toMatch(STACK_LINE);
      expect(result.stdout).not.toMatch(STACK_LINE);
    }
  }, 120_000);
});
