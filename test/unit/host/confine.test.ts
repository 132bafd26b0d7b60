import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confineAbsolute, resolveInside } from '../../../main/host/confine.ts';
import { HostError } from '../../../main/host/shared/errors.ts';
import { isInside } from '../../../main/util/path-inside.ts';

let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'diffgraph-confine-'));
  root = join(base, 'output');
  await mkdir(join(root, 'sub'), { recursive: true });
  await writeFile(join(root, 'sub', 'a.png'), 'a');
  await writeFile(join(base, 'secret.txt'), 'secret');
  await symlink(join(base, 'secret.txt'), join(root, 'leak.txt'));
  await symlink(base, join(root, 'escape-dir'));
  await symlink(join(root, 'sub'), join(root, 'inner-link'));
});
afterAll(() => rm(base, { recursive: true, force: true }));

async function refusal(promise: Promise<unknown>): Promise<HostError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HostError);
  return error as HostError;
}

describe('isInside', () => {
  it('tells inside from outside, including sibling folders sharing a prefix', () => {
    expect(isInside('/a/out', '/a/out/x.png')).toBe(true);
    expect(isInside('/a/out', '/a/out')).toBe(true);
    expect(isInside('/a/out', '/a/output/x.png')).toBe(false);
    expect(isInside('/a/out', '/a/x.png')).toBe(false);
  });
});

describe('resolveInside', () => {
  it('resolves relative paths inside the folder, existing or not', async () => {
    expect(await resolveInside(root, 'sub/a.png')).toBe(join(root, 'sub', 'a.png'));
    expect(await resolveInside(root, 'new/dir/b.png')).toBe(join(root, 'new', 'dir', 'b.png'));
    expect(await resolveInside(root, 'inner-link/a.png')).toBe(join(root, 'inner-link', 'a.png'));
  });

  it('refuses ../ traversal, also with backslashes and hidden in the middle', async () => {
    for (const bad of ['../secret.txt', 'sub/../../secret.txt', '..\\secret.txt', '..']) {
      const error = await refusal(resolveInside(root, bad, 'file'));
      expect(error.code).toBe('forbidden');
      expect(error.message).toContain(bad);
    }
    expect((await refusal(resolveInside(root, '../secret.txt'))).message).toMatch(/leaves its folder/);
  });

  it('refuses absolute paths and NUL bytes', async () => {
    expect((await refusal(resolveInside(root, join(base, 'secret.txt')))).message).toMatch(
      /must be relative/,
    );
    expect((await refusal(resolveInside(root, 'C:/Windows/win.ini'))).code).toBe('forbidden');
    expect((await refusal(resolveInside(root, 'a\0.png'))).code).toBe('bad-request');
  });

  it('refuses symlinks that lead out of the folder, for files and for folders', async () => {
    expect((await refusal(resolveInside(root, 'leak.txt'))).message).toMatch(/through a symbolic link/);
    expect((await refusal(resolveInside(root, 'escape-dir/secret.txt'))).code).toBe('forbidden');
    // Writing a new file through an escaping folder link is refused too.
    expect((await refusal(resolveInside(root, 'escape-dir/new.png'))).code).toBe('forbidden');
  });
});

describe('confineAbsolute', () => {
  it('accepts absolute paths inside and refuses those outside or escaping by link', async () => {
    expect(await confineAbsolute(root, join(root, 'sub', 'a.png'))).toBe(join(root, 'sub', 'a.png'));
    expect((await refusal(confineAbsolute(root, join(base, 'secret.txt')))).code).toBe('forbidden');
    expect((await refusal(confineAbsolute(root, join(root, 'leak.txt')))).code).toBe('forbidden');
    expect((await refusal(confineAbsolute(root, `${root}/../secret.txt`))).code).toBe('forbidden');
  });
});
