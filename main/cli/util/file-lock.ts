// A lock between processes for a read-modify-write of one file (two batches sharing an output
// folder both append to its manifest). mkdir is atomic on every platform; a lock older than
// `staleMs` is from a process that died (e.g. a second Ctrl-C) and is taken over.
import { mkdir, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export async function withFileLock<T>(path: string, action: () => Promise<T>, staleMs = 10_000): Promise<T> {
  const lock = `${path}.lock`;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
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
