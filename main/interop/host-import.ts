// The editor's open/drop path: a dropped file's bytes → a Diffgraph graph when they are a ComfyUI or
// A1111 PNG, a ComfyUI WebP, or a ComfyUI workflow/prompt JSON; null for Diffgraph's own files. Errors say why.
import { importForeignFile } from './foreign-load.ts';
import { isWebp } from './webp-metadata.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

export function graphFromForeignBytes(bytes: Buffer): Record<string, unknown> | null {
  const isPng = bytes.subarray(0, 4).equals(PNG_SIGNATURE);
  const name = isPng ? 'dropped.png' : isWebp(bytes) ? 'dropped.webp' : 'dropped.json';
  const imported = importForeignFile(bytes, name);
  if (!imported) return null;
  if ('error' in imported) throw new Error(imported.error);
  return imported.doc;
}
