// Turns any JSON value into a current-version GraphDocument, or says precisely why it cannot:
// migration first, then the zod schema. Shared by file loading and by validation of documents
// that arrive as objects (editor, HTTP API).

import { GraphFormatError, migrateGraph } from './migrate.ts';
import type { GraphProblem } from './problems.ts';
import { type GraphDocument, GraphDocumentSchema } from './schema.ts';

export type NormalizeResult = { ok: true; doc: GraphDocument } | { ok: false; problems: GraphProblem[] };

export function normalizeGraph(raw: unknown): NormalizeResult {
  let migrated: unknown;
  try {
    migrated = migrateGraph(raw).doc;
  } catch (error) {
    if (!(error instanceof GraphFormatError)) throw error;
    return { ok: false, problems: [{ nodeId: null, code: 'bad-document', message: error.message }] };
  }
  const parsed = GraphDocumentSchema.safeParse(migrated);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => issueToProblem(issue.path, issue.message)),
    };
  }
  return { ok: true, doc: withKeyOrder(migrated, parsed.data) as GraphDocument };
}

function issueToProblem(path: readonly PropertyKey[], message: string): GraphProblem {
  const where = path.map(String).join('.');
  const text = where ? `${where}: ${message}` : message;
  if (path[0] === 'nodes' && path.length >= 2) {
    const field = path[2] === 'widgets' && path.length >= 4 ? String(path[3]) : path[2];
    return {
      nodeId: String(path[1]),
      field: field === undefined ? undefined : String(field),
      code: 'bad-document',
      message: text,
    };
  }
  return { nodeId: null, code: 'bad-document', message: text };
}

/**
 * zod puts declared keys before unknown ones; restore the file's own key order so a document
 * loaded and saved again diffs cleanly (fields zod added as defaults go last).
 */
function withKeyOrder(original: unknown, parsed: unknown): unknown {
  if (Array.isArray(original) && Array.isArray(parsed)) {
    return parsed.map((item, index) => withKeyOrder(original[index], item));
  }
  if (!isPlainObject(original) || !isPlainObject(parsed)) return parsed;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(original)) {
    if (key in parsed) result[key] = withKeyOrder(original[key], parsed[key]);
  }
  for (const key of Object.keys(parsed)) {
    if (!(key in result)) result[key] = parsed[key];
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
