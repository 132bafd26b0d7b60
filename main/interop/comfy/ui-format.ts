// ComfyUI's UI workflow (the editor's saved file and the `workflow` PNG chunk), formats 0.4 and 1:
// nodes with positional `widgets_values`, links, groups, notes, reroutes and subgraph definitions.
import type { GraphDocument } from '../../graph/schema.ts';
import { buildGraph, type GraphExtras } from './build-graph.ts';
import { classSpec, customTitle } from './classes.ts';
import { expandSubgraphs } from './subgraphs.ts';
import type { ComfyNode } from './types.ts';
import {
  type LinkTable,
  type RerouteNodes,
  readLinkTable,
  rerouteNodeOf,
  resolveThroughRerouteNodes,
} from './ui-links.ts';
import { decodeWidgets } from './widgets.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const pair = (v: unknown): [number, number] | undefined =>
  Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number'
    ? [v[0], v[1]]
    : isObj(v) && typeof v[0] === 'number' && typeof v[1] === 'number'
      ? [v[0] as number, v[1] as number]
      : undefined;

const NOTE_TYPES = new Set(['Note', 'MarkdownNote']);

/** True when `json` looks like a UI workflow (a nodes list and a numeric version or links list). */
export function isUiWorkflow(json: unknown): boolean {
  return (
    isObj(json) &&
    Array.isArray(json.nodes) &&
    (typeof json.version === 'number' || Array.isArray(json.links))
  );
}

function uiOf(node: Obj): ComfyNode['ui'] {
  const flags = isObj(node.flags) ? node.flags : {};
  const ui: NonNullable<ComfyNode['ui']> = { position: pair(node.pos), size: pair(node.size) };
  const title = customTitle(String(node.type), node.title);
  if (title) ui.title = title;
  if (typeof node.color === 'string') ui.color = node.color;
  if (typeof node.bgcolor === 'string') ui.bgcolor = node.bgcolor;
  if (typeof node.mode === 'number' && node.mode !== 0) ui.mode = node.mode;
  if (flags.collapsed === true) ui.collapsed = true;
  return ui;
}

interface ReadContext {
  table: LinkTable;
  rerouteNodes: RerouteNodes;
  subgraphs: Set<string>;
  warnings: string[];
}

function wiredInputs(node: Obj, id: string, ctx: ReadContext): ComfyNode['links'] {
  const links: ComfyNode['links'] = {};
  for (const input of Array.isArray(node.inputs) ? node.inputs : []) {
    if (!isObj(input) || typeof input.link !== 'number') continue;
    const name =
      isObj(input.widget) && typeof input.widget.name === 'string' ? input.widget.name : String(input.name);
    const link = ctx.table.links.get(input.link);
    if (!link) {
      ctx.warnings.push(`node ${id} input "${name}" names link ${input.link}, which does not exist`);
      continue;
    }
    const resolved = resolveThroughRerouteNodes(ctx.table, ctx.rerouteNodes, link);
    if (!resolved) {
      ctx.warnings.push(`node ${id} input "${name}" comes from a Reroute with nothing plugged in`);
      continue;
    }
    links[name] = { from: resolved.origin, slot: resolved.slot };
    if (resolved.points.length) links[name].points = resolved.points;
  }
  return links;
}

function uiNode(node: Obj, ctx: ReadContext): ComfyNode {
  const id = String(node.id);
  const classType = String(node.type);
  const outputs = Array.isArray(node.outputs) ? node.outputs : [];
  const properties = isObj(node.properties) ? node.properties : {};
  const result: ComfyNode = {
    id,
    classType,
    values: {},
    links: wiredInputs(node, id, ctx),
    outputNames: outputs.map((o, i) => (isObj(o) && typeof o.name === 'string' ? o.name : String(i))),
    ui: uiOf(node),
    raw: node,
  };
  if (properties.diffgraph !== undefined) result.diffgraph = properties.diffgraph;
  const spec = classSpec(classType);
  if (ctx.subgraphs.has(classType)) {
    result.decodeError = 'a ComfyUI subgraph that could not be expanded (the import notes say why)';
  } else if (spec) {
    const decoded = decodeWidgets(classType, spec, node.widgets_values);
    result.values = decoded.values;
    if (decoded.error) result.decodeError = decoded.error;
    if (decoded.warning) result.warnings = [decoded.warning];
  }
  return result;
}

/**
 * Model hashes the workflow recorded: its top-level `models` list, and each node's
 * `properties.models` (where the ComfyUI frontend keeps a loader's file, url and hash).
 */
function recordedModels(workflow: Obj, rawNodes: Obj[]): NonNullable<GraphDocument['models']> {
  const lists = [workflow.models, ...rawNodes.map((n) => (isObj(n.properties) ? n.properties.models : null))];
  const byName = new Map<string, string>();
  for (const model of lists.flatMap((list) => (Array.isArray(list) ? list : []))) {
    if (!isObj(model) || typeof model.name !== 'string' || typeof model.hash !== 'string') continue;
    if (String(model.hash_type ?? 'SHA256').toUpperCase() !== 'SHA256') continue;
    if (!byName.has(model.name)) byName.set(model.name, model.hash.toLowerCase());
  }
  return [...byName].map(([name, sha256]) => ({ name, sha256 }));
}

function readExtras(workflow: Obj, noteNodes: Obj[], rawNodes: Obj[]): GraphExtras {
  const groups: NonNullable<GraphDocument['groups']> = [];
  for (const group of Array.isArray(workflow.groups) ? workflow.groups : []) {
    const b = isObj(group) && Array.isArray(group.bounding) ? group.bounding : null;
    if (!b || b.length < 4 || !b.every((v) => typeof v === 'number')) continue;
    const entry = {
      title: String(group.title ?? ''),
      bounds: b.slice(0, 4) as [number, number, number, number],
    };
    groups.push(typeof group.color === 'string' ? { ...entry, color: group.color } : entry);
  }
  const notes: NonNullable<GraphDocument['notes']> = noteNodes.map((node) => {
    const values = Array.isArray(node.widgets_values) ? node.widgets_values : [];
    const note = { text: String(values[0] ?? ''), position: pair(node.pos) ?? ([0, 0] as [number, number]) };
    const size = pair(node.size);
    return size ? { ...note, size } : note;
  });
  return { groups, notes, models: recordedModels(workflow, rawNodes) };
}

export function importUiWorkflow(source: Obj) {
  const warnings: string[] = [];
  const { workflow, expanded } = expandSubgraphs(source, warnings);
  for (const id of expanded)
    warnings.push(`subgraph instance ${id} was expanded into its inner nodes (ids "${id}:<inner id>")`);
  const table = readLinkTable(workflow, warnings);
  const definitions = isObj(workflow.definitions) ? workflow.definitions : {};
  const subgraphs = new Set(
    (Array.isArray(definitions.subgraphs) ? definitions.subgraphs : [])
      .filter(isObj)
      .map((s) => String(s.id)),
  );
  const rawNodes = (workflow.nodes as unknown[]).filter(isObj);
  const rerouteNodes: RerouteNodes = new Map();
  for (const node of rawNodes)
    if (node.type === 'Reroute') rerouteNodes.set(String(node.id), rerouteNodeOf(node));
  const ctx: ReadContext = { table, rerouteNodes, subgraphs, warnings };
  const notes = rawNodes.filter((n) => NOTE_TYPES.has(String(n.type)));
  // A legacy PrimitiveNode only mirrors the widget it feeds, whose value the target keeps.
  const primitives = new Set(rawNodes.filter((n) => n.type === 'PrimitiveNode').map((n) => String(n.id)));
  const skipped = new Set(['Reroute', 'PrimitiveNode', ...NOTE_TYPES]);
  const comfyNodes = rawNodes.filter((n) => !skipped.has(String(n.type))).map((n) => uiNode(n, ctx));
  for (const node of comfyNodes) {
    for (const [name, link] of Object.entries(node.links))
      if (primitives.has(link.from)) delete node.links[name];
  }
  const { doc, report } = buildGraph(comfyNodes, readExtras(workflow, notes, rawNodes), 'comfy-ui');
  report.warnings.unshift(...warnings);
  return { doc, report };
}
