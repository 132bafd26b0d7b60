// What a killed run leaves in an output folder: hidden temp files of atomic writes (their names
// carry the writer's pid) and finished outputs never listed in the manifest. The next run removes
// the first and lists the second, so nothing piles up unseen.
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMP_FILE_PATTERN } from './atomic-write.ts';
import { processAlive } from './process-alive.ts';

/** Remove temp files in `dir` whose writer is no longer running; returns their names. */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const match = TEMP_FILE_PATTERN.exec(name);
    if (!match || processAlive(Number(match[1]))) continue;
    await unlink(join(dir, name)).then(
      () => removed.push(name),
      () => {},
    );
  }
  return removed;
}

const OUTPUT_NAME = /^.+_\d{5,}\.(png|npy)$/;

/** Numbered outputs in `dir` that no manifest run lists (written by a run killed before recording). */
export async function unlistedOutputs(dir: string, listed: ReadonlySet<string>): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => OUTPUT_NAME.test(name) && !listed.has(name)).sort();
}
