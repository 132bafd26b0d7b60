// The hook graph loading calls: a file's bytes → an imported ComfyUI/A1111 graph, an error, or
// null when it is (or claims to be) Diffgraph's own and loads as usual.
import { extname } from 'node:path';
import { jsonTextTooDeepAt, MAX_JSON_DEPTH } from '../util/json-depth.ts';
import type { ImportReport } from './comfy/types.ts';
import {
  ImportError,
  type ImportResult,
  importForeignJson,
  importForeignPng,
  importForeignWebp,
} from './import-file.ts';

export type ForeignImport = ImportResult | { error: string };

function parseJsonOrNull(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return null; // the normal path reports bad JSON
  }
}

export function importForeignFile(bytes: Buffer, path: string): ForeignImport | null {
  try {
    const ext = extname(path).toLowerCase();
    if (ext === '.png') return importForeignPng(bytes);
    // Diffgraph writes no WebP graphs, so a WebP without ComfyUI metadata has nothing to load.
    if (ext === '.webp')
      return importForeignWebp(bytes) ?? { error: 'this WebP carries no ComfyUI workflow or prompt' };
    if (jsonTextTooDeepAt(bytes.toString('utf8'), MAX_JSON_DEPTH) !== -1)
      return { error: `JSON nests deeper than ${MAX_JSON_DEPTH} levels` };
    return importForeignJson(parseJsonOrNull(bytes));
  } catch (error) {
    if (error instanceof ImportError) return { error: error.message };
    if (error instanceof RangeError) return { error: `cannot import: ${error.message}` };
    if (error instanceof Error && /PNG/.test(error.message)) return null; // the normal path says it
    throw error;
  }
}

export type { ImportReport };
