// The editor's open/drop path: a dropped file's bytes → a Diffgraph graph when they are a ComfyUI or
// A1111 PNG, a ComfyUI WebP, or a ComfyUI workflow/prompt JSON; null for Diffgraph's own files. Errors say why.
// Models the file names but the folders lack are looked for by hash, and the import report travels
// with the graph as `importReport` (the editor shows it and takes it off before using the graph).
import { importForeignFile } from './foreign-load.ts';
import { matchImportedModels } from './model-match.ts';
import { isWebp } from './webp-metadata.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

export async function graphFromForeignBytes(
  bytes: Buffer,
  modelSearchPath: readonly string[] = [],
): Promise<Record<string, unknown> | null> {
  const isPng = bytes.subarray(0, 4).equals(PNG_SIGNATURE);
  const name = isPng ? 'dropped.png' : isWebp(bytes) ? 'dropped.webp' : 'dropped.json';
  const imported = importForeignFile(bytes, name);
  if (!imported) return null;
  if ('error' in imported) throw new Error(imported.error);
  if (modelSearchPath.length > 0) await matchImportedModels(imported, modelSearchPath);
  return { ...imported.doc, importReport: imported.report };
}
