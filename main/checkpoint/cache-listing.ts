// What the build cache holds (`<models folder>/.diffgraph-cache/builds/`): each built pipeline or VAE
// with its bytes on disk and the checkpoint it came from, for `diffgraph info`. Temporary folders of
// builds in progress (dot names) are skipped. Reads only directory entries and model_index.json.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface CachedBuildInfo {
  key: string;
  dir: string;
  bytes: number;
  /** The checkpoint's file name (model_index.json `_diffgraph_source`), when recorded. */
  source?: string;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(path);
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}

async function sourceOf(dir: string): Promise<string | undefined> {
  try {
    const index = JSON.parse(await readFile(join(dir, 'model_index.json'), 'utf8'));
    return typeof index._diffgraph_source === 'string' ? index._diffgraph_source : undefined;
  } catch {
    return undefined; // a VAE build has no model_index.json
  }
}

/** Every finished build under `cacheRoot` (none when the folder does not exist). */
export async function listCachedBuilds(cacheRoot: string): Promise<CachedBuildInfo[]> {
  const entries = await readdir(cacheRoot, { withFileTypes: true }).catch(() => []);
  const builds: CachedBuildInfo[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = join(cacheRoot, entry.name);
    const info: CachedBuildInfo = { key: entry.name, dir, bytes: await folderBytes(dir) };
    const source = await sourceOf(dir);
    if (source) info.source = source;
    builds.push(info);
  }
  return builds.sort((a, b) => a.key.localeCompare(b.key));
}
