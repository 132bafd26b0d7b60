// Where model hashes persist between processes (so `diffgraph models` does not re-read
// gigabytes each time): DIFFGRAPH_CACHE_DIR, else the platform's per-user cache folder.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';

export interface HashRecord {
  size: number;
  mtimeMs: number;
  sha256: string;
}

export function defaultHashCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DIFFGRAPH_CACHE_DIR) return join(env.DIFFGRAPH_CACHE_DIR, 'model-hashes.json');
  if (process.platform === 'win32' && env.LOCALAPPDATA)
    return join(env.LOCALAPPDATA, 'diffgraph', 'model-hashes.json');
  if (process.platform === 'darwin')
    return join(homedir(), 'Library', 'Caches', 'diffgraph', 'model-hashes.json');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'diffgraph', 'model-hashes.json');
}

/** Records of files that still exist; an unreadable or foreign file counts as empty. */
export function readHashCache(file: string): Map<string, HashRecord> {
  const records = new Map<string, HashRecord>();
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      version?: number;
      files?: Record<string, HashRecord>;
    };
    if (json.version !== 1 || !json.files) return records;
    for (const [path, r] of Object.entries(json.files)) {
      const valid =
        typeof r?.sha256 === 'string' && typeof r.size === 'number' && typeof r.mtimeMs === 'number';
      if (valid && existsSync(path)) records.set(path, r);
    }
  } catch {
    // Missing or damaged: start afresh (it is only a cache).
  }
  return records;
}

/** Best effort: a read-only home folder just means hashing again next time. */
export async function writeHashCache(file: string, records: Map<string, HashRecord>): Promise<void> {
  try {
    await writeFileAtomic(file, `${JSON.stringify({ version: 1, files: Object.fromEntries(records) })}\n`);
  } catch {
    // Not writable: keep the in-memory cache only.
  }
}
