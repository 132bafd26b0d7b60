// Builds the editor with vite when dist/renderer is missing or older than its sources (first
// `diffgraph serve`, after an update, and the browser tests). A lock directory keeps parallel
// builders (test files, two servers) from writing into the same folder at once.
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_ROOT } from '../paths.ts';

export const DIST_DIR = join(APP_ROOT, 'dist', 'renderer');
const LOCK = join(APP_ROOT, 'dist', '.renderer-build.lock');
const SOURCES = [
  join(APP_ROOT, 'renderer'),
  join(APP_ROOT, 'vite.config.ts'),
  join(APP_ROOT, 'main', 'host'),
];

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

/** True when dist/renderer exists and is newer than every editor source. */
export async function editorIsBuilt(): Promise<boolean> {
  return isFresh();
}

async function isFresh(): Promise<boolean> {
  try {
    const built = (await stat(join(DIST_DIR, 'index.html'))).mtimeMs;
    const sources = Math.max(...(await Promise.all(SOURCES.map(newestMtime))));
    return built >= sources;
  } catch {
    return false;
  }
}

async function takeLock(): Promise<void> {
  await mkdir(join(APP_ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await mkdir(LOCK);
      return;
    } catch {
      const age =
        Date.now() -
        (await stat(LOCK)
          .then((s) => s.mtimeMs)
          .catch(() => Date.now()));
      if (age > 180_000) await rm(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for the editor build lock ${LOCK}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export async function ensureEditorBuilt(): Promise<string> {
  if (await isFresh()) return DIST_DIR;
  await takeLock();
  try {
    if (!(await isFresh())) {
      const { build } = await import('vite');
      await build({ configFile: join(APP_ROOT, 'vite.config.ts'), logLevel: 'warn' });
    }
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
  return DIST_DIR;
}
