// A1111's short model hashes: the new one is the first 10 hex digits of the file's sha256; the old one
// (before 2022-10) the first 8 hex digits of the sha256 of 64 KiB read at offset 1 MiB
// (modules/hashes.py and sd_models.model_hash). Old hashes are cached by path, size and mtime.
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';

const OLD_OFFSET = 0x100000;
const OLD_LENGTH = 0x10000;

const oldHashes = new Map<string, { size: number; mtimeMs: number; hash: string }>();

/** A1111's old 8-digit hash (a file shorter than 1 MiB hashes the empty string, as A1111's read did). */
export async function a1111OldHash(path: string): Promise<string> {
  const info = await stat(path);
  const hit = oldHashes.get(path);
  if (hit && hit.size === info.size && hit.mtimeMs === info.mtimeMs) return hit.hash;
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(OLD_LENGTH);
    const { bytesRead } = await handle.read(buffer, 0, OLD_LENGTH, OLD_OFFSET);
    const hash = createHash('sha256').update(buffer.subarray(0, bytesRead)).digest('hex').slice(0, 8);
    oldHashes.set(path, { size: info.size, mtimeMs: info.mtimeMs, hash });
    return hash;
  } finally {
    await handle.close();
  }
}

/** What a recorded hash is: a full sha256, A1111's new 10-digit or old 8-digit hash, or not a hash. */
export function hashKind(hash: string): 'sha256' | 'a1111' | 'a1111-old' | undefined {
  if (/^[0-9a-f]{64}$/i.test(hash)) return 'sha256';
  if (/^[0-9a-f]{10}$/i.test(hash)) return 'a1111';
  if (/^[0-9a-f]{8}$/i.test(hash)) return 'a1111-old';
  return undefined;
}
