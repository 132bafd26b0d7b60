// The manifest reader shared by `diffgraph run` and the host: each kind of broken file is told apart.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestReadError, readManifestFile } from '../../../main/util/manifest-read.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'diffgraph-manifest-read-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function problemOf(path: string): Promise<string> {
  const error = await readManifestFile(path).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ManifestReadError);
  expect((error as ManifestReadError).message).toContain(path);
  return (error as ManifestReadError).problem;
}

describe('readManifestFile', () => {
  it('reads no runs from a folder without a manifest, and the runs of a good one', async () => {
    expect((await readManifestFile(join(dir, 'none.json'))).runs).toEqual([]);
    const good = join(dir, 'good.json');
    await writeFile(
      good,
      JSON.stringify({ format: 'diffgraph-manifest', version: 1, runs: [{ runId: 'a' }] }),
    );
    expect((await readManifestFile<{ runId: string }>(good)).runs.map((r) => r.runId)).toEqual(['a']);
  });

  it('names what is wrong: not JSON, another JSON file, or not readable', async () => {
    await writeFile(join(dir, 'broken.json'), '{"format": "diffgraph-manifest", "runs": [');
    expect(await problemOf(join(dir, 'broken.json'))).toBe('not-json');
    await writeFile(join(dir, 'other.json'), JSON.stringify({ format: 'diffgraph', runs: [] }));
    expect(await problemOf(join(dir, 'other.json'))).toBe('not-manifest');
    await writeFile(join(dir, 'norun.json'), JSON.stringify({ format: 'diffgraph-manifest', runs: {} }));
    expect(await problemOf(join(dir, 'norun.json'))).toBe('not-manifest');
    await mkdir(join(dir, 'folder.json'));
    expect(await problemOf(join(dir, 'folder.json'))).toBe('unreadable');
  });
});
