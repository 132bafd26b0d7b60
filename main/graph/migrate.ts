// Upgrades older graph documents to the current version, one small step per version, so a new
// version adds one function to MIGRATIONS and every older file keeps loading.
import { nullProtoRecord } from './null-proto.ts';
import { GRAPH_FORMAT, GRAPH_VERSION } from './schema.ts';

type Json = Record<string, unknown>;

export interface MigrationStep {
  from: number;
  /** Turns a document of version `from` into version `from + 1` (returns a new object). */
  up(doc: Json): Json;
}

/**
 * Version 0 was the draft format: `nodes` was an array of `{id, type, widgets, pos}` and edges
 * were positional tuples `[fromNode, fromOutput, toNode, toInput]`.
 */
function v0ToV1(doc: Json): Json {
  const { nodes: rawNodes, edges: rawEdges, ...rest } = doc;
  if (!Array.isArray(rawNodes)) throw new Error('version 0 "nodes" must be an array of nodes');
  const nodes = nullProtoRecord<Json>();
  for (const [index, raw] of rawNodes.entries()) {
    if (!isObject(raw)) throw new Error(`version 0 node #${index} is not an object`);
    const { id, pos, ...node } = raw;
    if (typeof id !== 'string' && typeof id !== 'number')
      throw new Error(`version 0 node #${index} has no id`);
    const key = String(id);
    if (key in nodes) throw new Error(`node id "${key}" appears more than once`);
    nodes[key] = pos === undefined ? node : { ...node, position: pos };
  }
  const edges = (Array.isArray(rawEdges) ? rawEdges : []).map((edge, index) => {
    if (!Array.isArray(edge) || edge.length !== 4) {
      throw new Error(`version 0 edge #${index} must be [fromNode, fromOutput, toNode, toInput]`);
    }
    const [fromNode, fromOutput, toNode, toInput] = edge.map(String);
    return { from: [fromNode, fromOutput], to: [toNode, toInput] };
  });
  return { ...rest, version: 1, nodes, edges };
}

export const MIGRATIONS: readonly MigrationStep[] = [{ from: 0, up: v0ToV1 }];

export class GraphFormatError extends Error {
  override name = 'GraphFormatError';
}

/** Brings any supported document up to GRAPH_VERSION; throws GraphFormatError saying why not. */
export function migrateGraph(raw: unknown): { doc: unknown; fromVersion: number } {
  if (!isObject(raw)) throw new GraphFormatError('expected a JSON object at the top level');
  if (raw.format !== GRAPH_FORMAT) throw new GraphFormatError(describeForeignFormat(raw));
  const fromVersion = raw.version;
  if (typeof fromVersion !== 'number' || !Number.isInteger(fromVersion) || fromVersion < 0) {
    throw new GraphFormatError(`"version" must be a whole number, got ${JSON.stringify(fromVersion)}`);
  }
  if (fromVersion > GRAPH_VERSION) {
    throw new GraphFormatError(
      `graph version ${fromVersion} was made by a newer Diffgraph (this one reads up to version ${GRAPH_VERSION})`,
    );
  }
  let doc: Json = raw;
  for (let version = fromVersion; version < GRAPH_VERSION; version++) {
    const step = MIGRATIONS.find((m) => m.from === version);
    if (!step) throw new GraphFormatError(`no upgrade from graph version ${version}`);
    try {
      doc = step.up(doc);
    } catch (error) {
      throw new GraphFormatError(`cannot upgrade from version ${version}: ${(error as Error).message}`);
    }
  }
  return { doc, fromVersion };
}

function describeForeignFormat(raw: Json): string {
  if ('last_node_id' in raw && 'links' in raw) {
    return 'this looks like a ComfyUI workflow; Diffgraph graphs have "format": "diffgraph"';
  }
  return `not a Diffgraph graph ("format" is ${JSON.stringify(raw.format)}, expected "diffgraph")`;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
