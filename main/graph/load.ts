// Reading and writing graph files (.json, or a PNG made by SaveImage). Problems that only the raw
// text shows (repeated node ids, which JSON.parse silently merges) are returned with the parsed
// document; callers report them along with what validateGraph finds. Other tools' files (ComfyUI,
// A1111) are imported on the way in by an importer the caller hands in (main/interop/load-graph-file.ts),
// with the import's report returned beside the document.
import { extname } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { findDuplicateKeys } from './duplicate-keys.ts';
import { normalizeGraph } from './normalize.ts';
import { extractGraphTextFromPng, readPngTextChunks } from './png-text.ts';
import type { GraphProblem } from './problems.ts';
import {
  GraphReadError,
  MAX_GRAPH_JSON_BYTES,
  MAX_GRAPH_PNG_BYTES,
  readGraphBytes,
} from './read-graph-bytes.ts';
import type { GraphDocument } from './schema.ts';

/** A graph file that cannot be used at all; `message` is one line: `<file>: <reason>`. */
export class GraphLoadError extends Error {
  override name = 'GraphLoadError';
  constructor(
    readonly source: string,
    readonly reason: string,
    readonly problems: GraphProblem[] = [],
  ) {
    super(`${source}: ${reason}`);
  }
}

/** A parsed graph and the problems only its text showed (repeated keys), which the document cannot carry. */
export interface LoadedGraph<Report = never> {
  doc: GraphDocument;
  problems: GraphProblem[];
  /** What importing another tool's file did (absent for Diffgraph's own files). */
  importReport?: Report;
}

/** Turns another tool's file into a graph document: null when the bytes are not such a file. */
export type ForeignImporter<Report> = (
  bytes: Buffer,
  path: string,
) => { doc: unknown; report: Report } | { error: string } | null;

/** Parse, upgrade and check a graph's JSON text. `source` names it in errors (usually the path). */
export function parseGraphJson(text: string, source: string): LoadedGraph {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (error) {
    throw new GraphLoadError(source, `not valid JSON (${(error as Error).message})`);
  }
  const result = normalizeGraph(raw);
  if (!result.ok) {
    const shown = result.problems.slice(0, 3).map((p) => p.message);
    const more = result.problems.length > 3 ? ` (and ${result.problems.length - 3} more)` : '';
    throw new GraphLoadError(source, `${shown.join('; ')}${more}`, result.problems);
  }
  return { doc: result.doc, problems: duplicateProblems(body) };
}

function duplicateProblems(text: string): GraphProblem[] {
  return findDuplicateKeys(text).flatMap(({ path, key }): GraphProblem[] => {
    if (path.length === 1 && path[0] === 'nodes') {
      return [
        { nodeId: key, code: 'duplicate-id', message: `Node id "${key}" is used by more than one node` },
      ];
    }
    if (path.length === 3 && path[0] === 'nodes' && path[2] === 'widgets') {
      const message = `Widget "${key}" is given more than once (only the last value would be kept)`;
      return [{ nodeId: path[1], field: key, code: 'bad-document', message }];
    }
    const where = [...path, key].join('.');
    return [{ nodeId: null, code: 'bad-document', message: `Key "${where}" appears more than once` }];
  });
}

/**
 * Load a .json graph, or the graph embedded in a PNG saved by SaveImage, or (with `importer`)
 * another tool's file. Throws GraphLoadError.
 */
export async function loadGraphFile<Report = never>(
  path: string,
  importer?: ForeignImporter<Report>,
): Promise<LoadedGraph<Report>> {
  let bytes: Buffer;
  const isPng = extname(path).toLowerCase() === '.png';
  try {
    const isImage = isPng || extname(path).toLowerCase() === '.webp'; // ComfyUI WebPs carry workflows too
    bytes = await readGraphBytes(path, isImage ? MAX_GRAPH_PNG_BYTES : MAX_GRAPH_JSON_BYTES);
  } catch (error) {
    if (error instanceof GraphReadError) throw new GraphLoadError(path, error.message);
    const { code, message } = error as NodeJS.ErrnoException;
    throw new GraphLoadError(path, code === 'ENOENT' ? 'file not found' : `cannot read file (${message})`);
  }
  const foreign = importer?.(bytes, path);
  if (foreign) {
    if ('error' in foreign) throw new GraphLoadError(path, foreign.error);
    return { ...parseGraphJson(JSON.stringify(foreign.doc), path), importReport: foreign.report };
  }
  if (isPng) return parseGraphJson(graphTextFromPng(bytes, path), path);
  return parseGraphJson(bytes.toString('utf8'), path);
}

function graphTextFromPng(bytes: Buffer, path: string): string {
  try {
    const text = extractGraphTextFromPng(bytes);
    if (text !== null) return text;
    const comfy = readPngTextChunks(bytes).some((t) => t.keyword === 'workflow' || t.keyword === 'prompt');
    throw new GraphLoadError(
      path,
      comfy
        ? 'this PNG carries a ComfyUI workflow, not a Diffgraph graph'
        : 'this PNG carries no Diffgraph graph',
    );
  } catch (error) {
    if (error instanceof GraphLoadError) throw error;
    throw new GraphLoadError(path, (error as Error).message);
  }
}

/** The file text for a document: 2-space JSON and a final newline. */
export function serializeGraph(doc: GraphDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Write a graph file atomically (a crash never leaves half a file in place of the old one). */
export async function saveGraphFile(path: string, doc: GraphDocument): Promise<void> {
  await writeFileAtomic(path, serializeGraph(doc));
}
