// Writing user-visible files safely: a temporary file in the same folder, then a rename, so a
// crash or Ctrl-C never leaves a half-written output, and existing files are never overwritten.
import { randomBytes } from 'node:crypto';
import { type FileHandle, link, mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Replace `path` atomically with `data` (used for documents the user edits, e.g. manifest.json). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = await writeTempFile(dirname(path), basename(path), data);
  try {
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => {});
    throw error;
  }
}

/**
 * Write `data` as a new file in `dir` under the first free name of `names` (attempt 0, 1, ...;
 * undefined: give up), never overwriting anything: a hard link from a temp file fails if the
 * name is taken, so two writers racing for one name cannot clobber each other. Returns the
 * absolute path written, or undefined when `names` gave up.
 */
export async function writeUnderFreeName(
  dir: string,
  data: Uint8Array,
  names: (attempt: number) => string | undefined,
): Promise<string | undefined> {
  const tmp = await writeTempFile(dir, 'new', data);
  try {
    for (let attempt = 0; ; attempt++) {
      const name = names(attempt);
      if (name === undefined) return undefined;
      try {
        await link(tmp, join(dir, name));
        return join(dir, name);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

/** Write a new file `<prefix>_NNNNN<ext>` in `dir` with the first free counter; returns its path. */
export async function writeNewNumberedFile(
  dir: string,
  prefix: string,
  ext: string,
  data: Uint8Array,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const first = await nextCounter(dir, prefix, ext);
  const name = (attempt: number) => `${prefix}_${String(first + attempt).padStart(5, '0')}${ext}`;
  return (await writeUnderFreeName(dir, data, name)) as string;
}

/** `.<base>.<pid>-<random>.tmp`: the writer's pid lets a later run remove what a killed one left. */
export const TEMP_FILE_PATTERN = /^\..+\.(\d+)-[0-9a-f]{12}\.tmp$/;

/** How temporary files are filled; tests swap it to simulate a full disk where none can be mounted. */
export const tempFileIo = {
  write: async (handle: FileHandle, data: string | Uint8Array): Promise<void> => {
    await handle.writeFile(data);
    await handle.sync();
  },
};

/** Write and fsync a hidden temporary file in `dir` (same file system, so a rename is atomic). */
async function writeTempFile(dir: string, base: string, data: string | Uint8Array): Promise<string> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${base}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'w');
  try {
    await tempFileIo.write(handle, data);
  } catch (error) {
    // A full disk leaves a partial file: never leave it behind.
    await handle.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw error;
  }
  await handle.close();
  return tmp;
}

async function nextCounter(dir: string, prefix: string, ext: string): Promise<number> {
  const pattern = new RegExp(`^${escapeRegExp(prefix)}_(\\d{5,})${escapeRegExp(ext)}$`);
  let highest = 0;
  for (const name of await readdir(dir)) {
    const match = pattern.exec(name);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest + 1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
