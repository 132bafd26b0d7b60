// Turns any JSON value into a current-version GraphDocument, or says precisely why it cannot:
// migration first, then the zod schema. Shared by file loading and by validation of documents
// that arrive as objects (editor, HTTP API).
import { MAX_JSON_DEPTH, valueTooDeepAt } from '../util/json-depth.ts';
import { GraphFormatError, migrateGraph } from './migrate.ts';
import { defineOwn, nullProtoRecord } from './null-proto.ts';
import type { GraphProblem } from './problems.ts';
import { type GraphDocument, GraphDocumentSchema, type GraphNode, GraphNodeSchema } from './schema.ts';

export type NormalizeResult = { ok: true; doc: GraphDocument } | { ok: false; problems: GraphProblem[] };

export function normalizeGraph(raw: unknown): NormalizeResult {
  // Deeper values would overflow the stack in the schema check; no graph needs them.
  const deep = valueTooDeepAt(raw);
  if (deep !== null) {
    const where = deep.slice(0, 6).join('.');
    const message = `the document nests deeper than ${MAX_JSON_DEPTH} levels (at ${where}...)`;
    return { ok: false, problems: [{ nodeId: null, code: 'bad-document', message }] };
  }
  let migrated: unknown;
  try {
    migrated = migrateGraph(raw).doc;
  } catch (error) {
    if (!(error instanceof GraphFormatError)) throw error;
    return { ok: false, problems: [{ nodeId: null, code: 'bad-document', message: error.message }] };
  }
  // Nodes are parsed one by one into a null-prototype map: zod's record would write a node with id
  // "__proto__" onto the prototype, and lookups of "constructor" would find Object's.
  const rawNodes = isPlainObject(migrated) ? migrated.nodes : undefined;
  const separate = isPlainObject(rawNodes);
  const parsed = GraphDocumentSchema.safeParse(separate ? { ...(migrated as object), nodes: {} } : migrated);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => issueToProblem(issue.path, issue.message));
  const nodes = separate ? parseNodes(rawNodes, problems) : undefined;
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  const doc = withKeyOrder(migrated, parsed.data) as GraphDocument;
  if (nodes) doc.nodes = nodes;
  return { ok: true, doc };
}

function parseNodes(raw: Record<string, unknown>, problems: GraphProblem[]): GraphDocument['nodes'] {
  const nodes = nullProtoRecord<GraphNode>();
  for (const id of Object.keys(raw)) {
    if (id === '') {
      problems.push(issueToProblem(['nodes', id], 'a node id must not be empty'));
      continue;
    }
    const node = GraphNodeSchema.safeParse(raw[id]);
    if (node.success) nodes[id] = withKeyOrder(raw[id], node.data) as GraphNode;
    else
      for (const issue of node.error.issues)
        problems.push(issueToProblem(['nodes', id, ...issue.path], issue.message));
  }
  return nodes;
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
    if (Object.hasOwn(parsed, key)) defineOwn(result, key, withKeyOrder(original[key], parsed[key]));
  }
  for (const key of Object.keys(parsed)) {
    if (!Object.hasOwn(result, key)) defineOwn(result, key, parsed[key]);
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
