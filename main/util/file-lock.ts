// A lock between processes for a read-modify-write of one file (two batches sharing an output
// folder both append to its manifest). mkdir is atomic on every platform. The holder touches the
// lock while it works, so only a lock left by a process that died (e.g. a second Ctrl-C) grows
// older than `staleMs`; a lock whose owner (its pid is written inside) is no longer running is
// stale at once (kill -9). A stale lock is removed under a second "break" lock that re-checks it,
// so of several waiters that saw it stale only one removes it and none removes a lock taken
// since. Then every waiter competes for it again through mkdir.
import { mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive } from './process-alive.ts';

async function tryMkdir(dir: string): Promise<boolean> {
  try {
    await mkdir(dir);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function isOld(dir: string, staleMs: number): Promise<boolean> {
  const info = await stat(dir).catch(() => null);
  return info !== null && Date.now() - info.mtimeMs > staleMs;
}

async function isStale(lock: string, staleMs: number): Promise<boolean> {
  return (await isOld(lock, staleMs)) || (await ownerIsDead(lock));
}

/** Remove `lock` if it is (still) stale, holding `<lock>.break` while deciding. Exported for tests. */
export async function breakStale(lock: string, staleMs: number): Promise<void> {
  const guard = `${lock}.break`;
  if (!(await tryMkdir(guard))) {
    // Another waiter is deciding. A guard is held for one stat and one rm, so an old one was
    // left by a process that died right there.
    if (await isOld(guard, staleMs)) await rm(guard, { recursive: true, force: true });
    return;
  }
  try {
    if (await isStale(lock, staleMs)) await rm(lock, { recursive: true, force: true });
  } finally {
    await rm(guard, { recursive: true, force: true });
  }
}

async function acquire(lock: string, staleMs: number): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    if (await tryMkdir(lock)) {
      await writeFile(join(lock, 'owner'), String(process.pid)).catch(() => {});
      return;
    }
    if (await isStale(lock, staleMs)) await breakStale(lock, staleMs);
    else await sleep(Math.min(10 * 2 ** attempt, 200));
  }
}

export async function withFileLock<T>(path: string, action: () => Promise<T>, staleMs = 10_000): Promise<T> {
  const lock = `${path}.lock`;
  await acquire(lock, staleMs);
  // Keep a long action's lock fresh so that no waiter mistakes it for a dead one.
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lock, now, now).catch(() => {});
  }, staleMs / 4);
  heartbeat.unref();
  try {
    return await action();
  } finally {
    clearInterval(heartbeat);
    await rm(lock, { recursive: true, force: true });
  }
}

/** True when the lock names its owner and that process is gone (killed with -9, say). */
async function ownerIsDead(lock: string): Promise<boolean> {
  const text = await readFile(join(lock, 'owner'), 'utf8').catch(() => '');
  return /^\d+$/.test(text) && !processAlive(Number(text));
}
