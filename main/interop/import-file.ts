// Opening a file another tool made: a ComfyUI workflow or API prompt (JSON, PNG or WebP), or an A1111 /
// Forge PNG. Returns null for Diffgraph's own files, which load as they are.

import { jsonTextTooDeepAt, MAX_JSON_DEPTH } from '../util/json-depth.ts';
import { importA1111Parameters } from './a1111/to-graph.ts';
import { importApiPrompt, isApiPrompt } from './comfy/api-format.ts';
import type { ImportReport } from './comfy/types.ts';
import { importUiWorkflow, isUiWorkflow } from './comfy/ui-format.ts';
import { describeModelMatch } from './model-match-text.ts';
import { readPngMetadata } from './png-metadata.ts';
import { readWebpMetadata, type WebpMetadata } from './webp-metadata.ts';

export interface ImportResult {
  /** A Diffgraph graph document (not yet normalized or validated). */
  doc: Record<string, unknown>;
  report: ImportReport;
}

/** A file that looked like ComfyUI or A1111 output but cannot be read; the message says why. */
export class ImportError extends Error {}

/** A ComfyUI JSON value (UI workflow, API prompt, or `POST /prompt` body) as a graph; null otherwise. */
export function importForeignJson(json: unknown): ImportResult | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const obj = json as Record<string, unknown>;
  if (obj.format === 'diffgraph') return null;
  if (isUiWorkflow(obj)) return importUiWorkflow(obj) as ImportResult;
  const body = obj.prompt;
  if (isApiPrompt(body)) return importApiPrompt(body) as ImportResult;
  if (isApiPrompt(obj)) return importApiPrompt(obj) as ImportResult;
  return null;
}

/** Which kind of image the metadata came from, for messages ("the PNG's ...", "the WebP's ..."). */
type ImageKind = 'PNG' | 'WebP';

function parseChunk(text: string, keyword: string, kind: ImageKind): unknown {
  if (jsonTextTooDeepAt(text, MAX_JSON_DEPTH) !== -1)
    throw new ImportError(`the ${kind}'s "${keyword}" text nests deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ImportError(`the ${kind}'s "${keyword}" text is not valid JSON (${(error as Error).message})`);
  }
}

/** A PNG's ComfyUI `workflow` (preferred) or `prompt`, or A1111 `parameters`; null if it has none. */
export function importForeignPng(png: Buffer): ImportResult | null {
  const meta = readPngMetadata(png);
  if (meta.diffgraph !== undefined) return null;
  const comfy = importComfyMetadata(meta, 'PNG');
  if (comfy) return comfy;
  if (meta.parameters !== undefined) {
    try {
      return importA1111Parameters(meta.parameters) as ImportResult;
    } catch (error) {
      throw new ImportError(`the PNG's "parameters" text: ${(error as Error).message}`);
    }
  }
  return null;
}

/** A WebP's ComfyUI `workflow` (preferred) or `prompt` from its EXIF; null if it has none. */
export function importForeignWebp(webp: Buffer): ImportResult | null {
  let meta: WebpMetadata;
  try {
    meta = readWebpMetadata(webp);
  } catch (error) {
    throw new ImportError((error as Error).message);
  }
  return importComfyMetadata(meta, 'WebP');
}

function importComfyMetadata(meta: WebpMetadata, kind: ImageKind): ImportResult | null {
  for (const keyword of ['workflow', 'prompt'] as const) {
    const text = meta[keyword];
    if (text === undefined) continue;
    let result: ImportResult | null;
    try {
      result = importForeignJson(parseChunk(text, keyword, kind));
      if (!result) throw new ImportError(`the ${kind}'s "${keyword}" text is not a ComfyUI ${keyword}`);
    } catch (error) {
      const fallback = keyword === 'workflow' && meta.prompt !== undefined;
      if (!(error instanceof ImportError) || !fallback) throw error;
      const viaPrompt = importPromptChunk(meta.prompt as string, kind);
      viaPrompt.report.warnings.unshift(`${error.message}; the "prompt" chunk was used instead`);
      return viaPrompt;
    }
    return result;
  }
  return null;
}

function importPromptChunk(promptText: string, kind: ImageKind): ImportResult {
  const result = importForeignJson(parseChunk(promptText, 'prompt', kind));
  if (!result) throw new ImportError(`the ${kind}'s "prompt" text is not a ComfyUI prompt`);
  return result;
}

/** One report as lines for a terminal. */
export function formatImportReport(report: ImportReport): string[] {
  const lines = [`imported from ${report.source}: ${report.unmapped.length} node(s) kept as placeholders`];
  for (const node of report.unmapped) lines.push(`  unmapped ${node.id} (${node.type}): ${node.reason}`);
  for (const warning of report.warnings) lines.push(`  note: ${warning}`);
  for (const model of report.models ?? []) lines.push(`  model: ${describeModelMatch(model)}`);
  return lines;
}
