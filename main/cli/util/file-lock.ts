// A lock between processes for a read-modify-write of one file (two batches sharing an output
// folder both append to its manifest). mkdir is atomic on every platform. The holder touches the
// lock while it works, so only a lock left by a process that died (e.g. a second Ctrl-C) grows
// older than `staleMs`; such a lock is removed under a second "break" lock that re-checks its
// age, so of several waiters that saw it stale only one removes it and none removes a lock taken
// since. Then every waiter competes for it again through mkdir.
import { mkdir, rm, stat, utimes } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

async function tryMkdir(dir: string): Promise<boolean> {
  try {
    await mkdir(dir);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function isStale(dir: string, staleMs: number): Promise<boolean> {
  const info = await stat(dir).catch(() => null);
  return info !== null && Date.now() - info.mtimeMs > staleMs;
}

/** Remove `lock` if it is (still) stale, holding `<lock>.break` while deciding. Exported for tests. */
export async function breakStale(lock: string, staleMs: number): Promise<void> {
  const guard = `${lock}.break`;
  if (!(await tryMkdir(guard))) {
    // Another waiter is deciding. A guard is held for one stat and one rm, so an old one was
    // left by a process that died right there.
    if (await isStale(guard, staleMs)) await rm(guard, { recursive: true, force: true });
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
    if (await tryMkdir(lock)) return;
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
