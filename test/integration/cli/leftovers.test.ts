// `diffgraph run` against a full disk and after `kill -9`: the disk-full
// run reports it plainly (no stack trace), leaves no temp file and a valid manifest; the run after a
// killed one removes its temp files, takes over its lock at once and names its unlisted outputs.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';
import { GRAPHS_DIR, runCli, SLOW_TEST_MS, startCli, tempDir } from './harness.ts';

const GAUSS = join(GRAPHS_DIR, 'gaussian-latent.json');
const SLOW = join(GRAPHS_DIR, 'slow-latent.json');
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

let fixtures: FixtureModels;
let temp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  fixtures = await ensureFixtureModels();
  temp = await tempDir('leftovers');
});
afterAll(() => temp.remove());

const runArgs = (out: string) => ['--models', fixtures.modelsDir, '--device', 'cpu', '--out', out];

/** Mount a small tmpfs at `dir`; the reason it failed, or null when mounted. */
function mountTmpfs(dir: string, size: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error).trim();
  }
}

/** Fill the file system at `dir` until a write fails, then free `spare` bytes. */
async function fillUp(dir: string, spare: number): Promise<void> {
  const block = Buffer.alloc(4096, 1);
  let index = 0;
  try {
    for (;;) await writeFile(join(dir, `filler-${index++}`), block);
  } catch {
    // Full now.
  }
  for (let i = 0; i < Math.ceil(spare / block.length); i++) await writeFile(join(dir, `filler-${i}`), '');
}

describe('diffgraph run: full disk and killed runs', { timeout: SLOW_TEST_MS }, () => {
  it('a full disk is reported plainly, with no temp file left and a valid manifest', async () => {
    const out = join(temp.dir, 'small-disk');
    await mkdir(out);
    const reason = mountTmpfs(out, '512k');
    if (reason !== null) {
      // No tmpfs here: simulate ENOSPC with an injected write that fails half-way, and check the
      // same contract on the manifest writer (plain message, no temp file, old manifest kept).
      console.warn(`tmpfs not mountable (${reason}); simulating ENOSPC with an injected write instead`);
      const { tempFileIo } = await import('../../../main/util/atomic-write.ts');
      const { Manifest } = await import('../../../main/cli/run/manifest.ts');
      const manifest = await Manifest.open(out);
      const original = tempFileIo.write;
      tempFileIo.write = async (handle, data) => {
        await handle.write(String(data).slice(0, 10));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      };
      try {
        const entry = { runId: 'r', outputs: [] } as unknown as Parameters<typeof manifest.add>[0];
        await expect(manifest.add(entry)).rejects.toThrow(/the disk is full \(ENOSPC\)/);
      } finally {
        tempFileIo.write = original;
      }
      expect(await readdir(out)).toEqual([]);
      return;
    }
    try {
      await fillUp(out, 12 * 1024);
      const result = await runCli(['run', GAUSS, '--seeds', '1-40', '--continue-on-error', ...runArgs(out)]);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/the disk is full \(ENOSPC\)/);
      expect(result.stderr).not.toMatch(STACK_LINE);
      const names = await readdir(out);
      expect(names.filter((name) => name.endsWith('.tmp') || name.endsWith('.lock'))).toEqual([]);
      if (names.includes('manifest.json')) {
        const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
        expect(manifest.format).toBe('diffgraph-manifest');
      }
    } finally {
      execFileSync('umount', [out]);
    }
  });

  it('after kill -9, the next run cleans temp files, takes over the lock and lists orphans', async () => {
    const out = join(temp.dir, 'killed');
    const { child, done } = startCli(['run', GAUSS, SLOW, '--json', ...runArgs(out)]);
    let buffered = '';
    child.stdout?.on('data', (chunk: string) => {
      buffered += chunk;
      if (/"type":"node-progress"[^\n]*"job":2/.test(buffered)) child.kill('SIGKILL');
    });
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    const pid = child.pid as number;
    // What a kill during a write leaves: the writer's temp file, the manifest lock, an unlisted output.
    await writeFile(join(out, `.manifest.json.${pid}-0123456789ab.tmp`), '{"format":');
    await mkdir(join(out, 'manifest.json.lock'));
    await writeFile(join(out, 'manifest.json.lock', 'owner'), String(pid));
    await writeFile(join(out, 'slow_00001.npy'), 'x');

    const result = await runCli(['run', GAUSS, ...runArgs(out)]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('removed 1 temporary file(s) left by a run that was killed');
    expect(result.stderr).toContain(
      'outputs not listed in manifest.json (from a run that was killed?): slow_00001.npy',
    );
    expect(existsSync(join(out, 'manifest.json.lock'))).toBe(false);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.runs).toHaveLength(2);
  });
});
