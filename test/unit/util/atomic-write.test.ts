import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeNewNumberedFile } from '../../../main/util/atomic-write.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('writeNewNumberedFile', () => {
  it('numbers files after the highest existing one and never overwrites', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dg-atomic-'));
    await writeFile(join(dir, 'img_00007.png'), 'mine');
    const path = await writeNewNumberedFile(dir, 'img', '.png', bytes('new'));
    expect(path).toBe(join(dir, 'img_00008.png'));
    expect(await readFile(join(dir, 'img_00007.png'), 'utf8')).toBe('mine');
    expect(await readFile(path, 'utf8')).toBe('new');
  });

  it('gives concurrent writers distinct names and leaves no temporary files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dg-atomic-'));
    const paths = await Promise.all(
      Array.from({ length: 8 }, (_, i) => writeNewNumberedFile(dir, 'run', '.npy', bytes(`item ${i}`))),
    );
    expect(new Set(paths).size).toBe(8);
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(Array.from({ length: 8 }, (_, i) => `run_${String(i + 1).padStart(5, '0')}.npy`));
    const contents = await Promise.all(paths.map((p) => readFile(p, 'utf8')));
    expect(new Set(contents).size).toBe(8);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary file beside it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dg-atomic-'));
    const path = join(dir, 'manifest.json');
    await writeFileAtomic(path, '{"runs":[1]}');
    await writeFileAtomic(path, '{"runs":[1,2]}');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ runs: [1, 2] });
    expect(await readdir(dir)).toEqual(['manifest.json']);
  });
});
