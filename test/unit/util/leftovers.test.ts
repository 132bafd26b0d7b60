// Regression: a failed write (a full disk) left a partial temp file;
// a killed run's lock delayed the next run by 10 s and its temp files were never removed.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Manifest, ManifestWriteError } from '../../../main/cli/run/manifest.ts';
import { tempFileIo, writeFileAtomic } from '../../../main/util/atomic-write.ts';
import { withFileLock } from '../../../main/util/file-lock.ts';
import { describeFsError } from '../../../main/util/fs-errors.ts';
import { removeStaleTempFiles, unlistedOutputs } from '../../../main/util/stale-files.ts';

let dir: string;
const originalWrite = tempFileIo.write;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'diffgraph-leftovers-'));
});
afterEach(async () => {
  tempFileIo.write = originalWrite;
  await rm(dir, { recursive: true, force: true });
});

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid as number;
}

/** Simulates ENOSPC half-way through a write: some bytes land, then the disk is full. */
function failHalfway(): void {
  tempFileIo.write = async (handle, data) => {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    await handle.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  };
}

const run = (runId: string) => ({
  runId,
  batch: 'b',
  graph: '/g.json',
  overrides: {},
  seed: 1,
  seedWidgets: {},
  repeat: 1,
  device: 'cpu',
  status: 'done' as const,
  startedAt: '',
  finishedAt: '',
  timings: { totalMs: 1, nodes: {}, cached: [] },
  outputs: [],
  error: null,
});

describe('a full disk', () => {
  it('leaves no temp file and keeps the old file', async () => {
    const path = join(dir, 'doc.json');
    await writeFile(path, 'old');
    failHalfway();
    await expect(writeFileAtomic(path, 'x'.repeat(10_000))).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await readdir(dir)).toEqual(['doc.json']);
    expect(await readFile(path, 'utf8')).toBe('old');
  });

  it('a manifest that cannot be rewritten says "disk is full" and stays valid', async () => {
    const manifest = await Manifest.open(dir);
    await manifest.add(run('first'));
    failHalfway();
    const failure = manifest.add(run('second'));
    await expect(failure).rejects.toBeInstanceOf(ManifestWriteError);
    await expect(failure).rejects.toThrow(/cannot record run second: the disk is full \(ENOSPC\)/);
    const names = await readdir(dir);
    expect(names.filter((name) => name.endsWith('.tmp') || name.endsWith('.lock'))).toEqual([]);
    const kept = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    expect(kept.runs.map((entry: { runId: string }) => entry.runId)).toEqual(['first']);
  });

  it('names other file-system failures plainly and leaves the rest alone', () => {
    expect(describeFsError(Object.assign(new Error('x'), { code: 'EROFS' }))).toBe(
      'the folder is on a read-only file system (EROFS)',
    );
    expect(describeFsError(new Error('something else'))).toBe('something else');
  });
});

describe('leftovers of a killed run', () => {
  it('a lock whose owner died is taken over at once, not after the stale age', async () => {
    const target = join(dir, 'manifest.json');
    await mkdir(`${target}.lock`);
    await writeFile(join(`${target}.lock`, 'owner'), String(deadPid()));
    // staleMs of an hour: only the dead owner can explain getting the lock within the test's timeout.
    expect(await withFileLock(target, async () => 'got it', 3_600_000)).toBe('got it');
  });

  it('a lock held by a live process is still respected', async () => {
    const target = join(dir, 'manifest.json');
    await mkdir(`${target}.lock`);
    await writeFile(join(`${target}.lock`, 'owner'), String(process.pid));
    const waiting = withFileLock(target, async () => 'late', 3_600_000);
    const first = await Promise.race([
      waiting,
      new Promise((resolve) => setTimeout(() => resolve('waiting'), 300)),
    ]);
    expect(first).toBe('waiting');
    await rm(`${target}.lock`, { recursive: true });
    expect(await waiting).toBe('late');
  });

  it('temp files of dead writers are removed, live ones and other files kept; unlisted outputs named', async () => {
    const dead = deadPid();
    const names = [
      `.manifest.json.${dead}-0123456789ab.tmp`,
      `.out.${dead}-abcdefabcdef.tmp`,
      `.out.${process.pid}-abcdefabcdef.tmp`,
      'out_00001.png',
      'out_00002.png',
      'notes.txt',
    ];
    for (const name of names) await writeFile(join(dir, name), 'x');
    expect((await removeStaleTempFiles(dir)).sort()).toEqual([names[0], names[1]]);
    expect((await readdir(dir)).sort()).toEqual(
      [names[2], 'notes.txt', 'out_00001.png', 'out_00002.png'].sort(),
    );
    expect(await unlistedOutputs(dir, new Set(['out_00001.png']))).toEqual(['out_00002.png']);
  });
});
