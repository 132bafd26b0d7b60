// withFileLock: one holder at a time, also when many waiters find a stale lock at once, and a
// live holder's lock is never taken over however long it works.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { breakStale, withFileLock } from '../../../main/util/file-lock.ts';

/** Runs `count` lock holders at once; returns the most that were ever inside together and who ran. */
async function contend(path: string, count: number, holdMs: number, staleMs: number) {
  let inside = 0;
  let most = 0;
  const ran: number[] = [];
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      withFileLock(
        path,
        async () => {
          inside += 1;
          most = Math.max(most, inside);
          await sleep(holdMs);
          ran.push(i);
          inside -= 1;
        },
        staleMs,
      ),
    ),
  );
  return { most, ran };
}

describe('withFileLock', () => {
  it('lets one holder in at a time', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'dg-lock-')), 'manifest.json');
    const { most, ran } = await contend(path, 6, 5, 10_000);
    expect(most).toBe(1);
    expect(ran.sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('has many waiters that find a stale lock take it over one at a time', async () => {
    for (let round = 0; round < 2; round++) {
      const path = join(await mkdtemp(join(tmpdir(), 'dg-lock-')), 'manifest.json');
      await mkdir(`${path}.lock`);
      const old = new Date(Date.now() - 60_000);
      await utimes(`${path}.lock`, old, old);
      const { most, ran } = await contend(path, 6, 2, 1_000);
      expect(most).toBe(1);
      expect(ran).toHaveLength(6);
    }
  });

  it('never removes a lock taken after a waiter judged the old one stale', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'dg-lock-')), 'manifest.json');
    await withFileLock(
      path,
      async () => {
        // A waiter that saw the previous lock stale now tries to break it: the new one stays.
        await breakStale(`${path}.lock`, 1_000);
        expect(existsSync(`${path}.lock`)).toBe(true);
      },
      1_000,
    );
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('keeps a live holder that works longer than the stale age', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'dg-lock-')), 'manifest.json');
    const { most, ran } = await contend(path, 2, 400, 100);
    expect(most).toBe(1);
    expect(ran).toHaveLength(2);
  });
});
