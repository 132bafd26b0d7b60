// A lock between processes for a read-modify-write of one file (two batches sharing an output
// folder both append to its manifest). mkdir is atomic on every platform; a lock older than
// `staleMs` is from a process that died (e.g. a second Ctrl-C) and is taken over; so is one whose
// owner (its pid is written inside) is no longer running, at once rather than after `staleMs`.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive } from '../../util/process-alive.ts';

export async function withFileLock<T>(path: string, action: () => Promise<T>, staleMs = 10_000): Promise<T> {
  const lock = `${path}.lock`;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'owner'), String(process.pid)).catch(() => {});
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await ownerIsDead(lock)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      const age = await stat(lock).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if (age > staleMs) await rm(lock, { recursive: true, force: true });
      else await sleep(Math.min(10 * 2 ** attempt, 200));
    }
  }
  try {
    return await action();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** True when the lock names its owner and that process is gone (killed with -9, say). */
async function ownerIsDead(lock: string): Promise<boolean> {
  const text = await readFile(join(lock, 'owner'), 'utf8').catch(() => '');
  return /^\d+$/.test(text) && !processAlive(Number(text));
}
