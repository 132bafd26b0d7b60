// Content hashes of model files (hex sha256), cached by path + size + mtime (in memory and in a
// per-user cache file) so rescanning a folder of multi-gigabyte models only hashes what changed.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { defaultHashCacheFile, type HashRecord, readHashCache, writeHashCache } from './hash-cache-file.ts';

let cacheFile: string | null = defaultHashCacheFile();
let cache: Map<string, HashRecord> | undefined;
let hashedFiles = 0;
let dirty = false;

/** Persist hashes in `file` instead of the default (null: memory only). Drops what is cached. */
export function setHashCacheFile(file: string | null): void {
  cacheFile = file;
  cache = undefined;
}

function records(): Map<string, HashRecord> {
  cache ??= cacheFile ? readHashCache(cacheFile) : new Map();
  return cache;
}

/** How many files were actually read and hashed so far (tests check the cache works). */
export function filesHashed(): number {
  return hashedFiles;
}

async function hashStream(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  hashedFiles += 1;
  return hash.digest('hex');
}

async function hashOne(path: string): Promise<string> {
  const info = await stat(path);
  const known = records();
  const hit = known.get(path);
  if (hit && hit.size === info.size && hit.mtimeMs === info.mtimeMs) return hit.sha256;
  const sha256 = await hashStream(path);
  known.set(path, { size: info.size, mtimeMs: info.mtimeMs, sha256 });
  dirty = true;
  return sha256;
}

async function flush(): Promise<void> {
  if (!dirty || !cacheFile || !cache) return;
  dirty = false;
  await writeHashCache(cacheFile, cache);
}

/** sha256 of one file's bytes (what `sha256sum` prints). */
export async function fileSha256(path: string): Promise<string> {
  const sha256 = await hashOne(path);
  await flush();
  return sha256;
}

/**
 * One hash for a set of files under `root`: a single file hashes to its own sha256; several
 * hash the sorted lines `<relative path> <sha256>` so moving the folder keeps the hash.
 */
export async function filesSha256(root: string, files: readonly string[]): Promise<string> {
  if (files.length === 1) return fileSha256(files[0]);
  const lines: string[] = [];
  for (const file of files) {
    lines.push(`${relative(root, file).split('\\').join('/')} ${await hashOne(file)}`);
  }
  await flush();
  lines.sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
