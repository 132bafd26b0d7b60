// Test helper: safetensors files crafted byte by byte (any header text, any data), for the corrupt
// and unusual layouts the writer never produces.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** 8-byte little-endian length (or `declaredLength`), the header text, then `data`. */
export function rawSafetensors(header: unknown, data: Uint8Array, declaredLength?: bigint): Uint8Array {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

export async function tempDir(prefix = 'dg-ckpt-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function writeRaw(dir: string, name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}
