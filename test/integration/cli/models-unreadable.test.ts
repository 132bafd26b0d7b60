// Regression: `diffgraph models` crashed on one unreadable folder. It now
// names the folder on stderr and lists every other model. Root reads any folder, so as root the
// command runs as user nobody (setpriv) to meet a real permission error.
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, SLOW_TEST_MS } from './harness.ts';

let base: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'diffgraph-models-'));
  await chmod(base, 0o755);
  await mkdir(join(base, 'fine'));
  await mkdir(join(base, 'locked'));
  await chmod(join(base, 'locked'), 0o000);
});
afterAll(async () => {
  await chmod(join(base, 'locked'), 0o755);
  await rm(base, { recursive: true, force: true });
});

describe('diffgraph models', { timeout: SLOW_TEST_MS }, () => {
  it('reports an unreadable folder and lists the rest', () => {
    const args = [CLI, 'models', '--models', base];
    const asRoot = process.getuid?.() === 0;
    const result = asRoot
      ? spawnSync(
          'setpriv',
          ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...args],
          {
            encoding: 'utf8',
          },
        )
      : spawnSync(process.execPath, args, { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain(`diffgraph: skipped ${join(base, 'locked')}: permission denied (EACCES)`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    // The model shipped with diffgraph is still listed.
    expect(result.stdout).toContain('diffgraph-shapes');
  });
});
