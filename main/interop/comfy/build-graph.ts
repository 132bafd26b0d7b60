// ComfyUI nodes (from either file format) → a Diffgraph graph document and an import report.
// Mapped classes become Diffgraph nodes; every other node stays as a `comfy:<class>` placeholder
// that keeps the node exactly as the file had it, so it survives a round trip.
import type { GraphDocument, GraphEdge, GraphNode } from '../../graph/schema.ts';
import { classSpec } from './classes.ts';
import { foldSamplerParts } from './fold.ts';
import {
  type ComfyNode,
  type ImportReport,
  type Mapping,
  type PartSocket,
  PLACEHOLDER_PREFIX,
} from './types.ts';
import { UnmappableError } from './values.ts';

export interface GraphExtras {
  groups?: GraphDocument['groups'];
  notes?: GraphDocument['notes'];
  models?: GraphDocument['models'];
  title?: string;
}

type Placed = { kind: 'mapped'; mapping: Mapping; ids: Record<string, string> } | { kind: 'placeholder' };

/** Per-part data an exporter stored on the ComfyUI node (`properties.diffgraph` / `_meta.diffgraph`). */
function storedPart(node: ComfyNode, suffix: string): Record<string, unknown> | undefined {
  const parts = (node.diffgraph as { parts?: Record<string, unknown> } | undefined)?.parts;
  const part = parts && typeof parts === 'object' ? parts[suffix] : undefined;
  return part && typeof part === 'object' ? (part as Record<string, unknown>) : undefined;
}

function mapNode(node: ComfyNode): Mapping | string {
  if (node.decodeError) return node.decodeError;
  const spec = classSpec(node.classType);
  if (!spec) {
    const pack = (node.raw as { properties?: { cnr_id?: unknown } } | null)?.properties?.cnr_id;
    const from = typeof pack === 'string' && pack !== 'comfy-core' ? ` (custom node from "${pack}")` : '';
    return `no Diffgraph mapping for ComfyUI class "${node.classType}"${from}`;
  }
  try {
    return spec.map(node.values);
  } catch (error) {
    if (error instanceof UnmappableError) return error.message;
    throw error;
  }
}

function uiFields(node: ComfyNode, offsetY: number): Partial<GraphNode> {
  const ui = node.ui ?? {};
  const fields: Partial<GraphNode> = {};
  if (ui.position) fields.position = [ui.position[0], ui.position[1] + offsetY];
  if (offsetY === 0) {
    if (ui.size) fields.size = ui.size;
    if (ui.title) fields.title = ui.title;
    if (ui.color) fields.color = ui.color;
    if (ui.bgcolor) fields.bgcolor = ui.bgcolor;
    if (ui.collapsed) fields.collapsed = true;
  }
  if (ui.mode === 4) fields.bypass = true;
  if (ui.mode === 2) fields.mute = true;
  return fields;
}

function addMapped(
  node: ComfyNode,
  mapping: Mapping,
  nodes: Record<string, GraphNode>,
): Record<string, string> {
  const ids: Record<string, string> = {};
  const below = (node.ui?.size?.[1] ?? 100) + 60;
  mapping.parts.forEach((part, index) => {
    const stored = storedPart(node, part.suffix);
    const id = typeof stored?.id === 'string' && stored.id !== '' ? stored.id : node.id + part.suffix;
    const storedWidgets = (stored?.widgets ?? {}) as Record<string, unknown>;
    const graphNode: GraphNode = {
      type: part.type,
      widgets: { ...storedWidgets, ...part.widgets },
      ...uiFields(node, index === 0 ? 0 : below * index),
    };
    if (Array.isArray(stored?.position)) graphNode.position = stored.position as [number, number];
    if (part.seedControl) graphNode.seedControl = part.seedControl as GraphNode['seedControl'];
    ids[part.suffix] = id;
    nodes[id] = graphNode;
  });
  return ids;
}

function addPlaceholder(node: ComfyNode, nodes: Record<string, GraphNode>): void {
  nodes[node.id] = {
    type: PLACEHOLDER_PREFIX + node.classType,
    widgets: {},
    ...uiFields(node, 0),
    comfy: node.raw,
  };
}

function outputName(node: ComfyNode, slot: number): string {
  return node.outputNames?.[slot] ?? classSpec(node.classType)?.outputs[slot] ?? String(slot);
}

interface EdgeContext {
  byId: Map<string, ComfyNode>;
  placed: Map<string, Placed>;
  warnings: string[];
}

function edgeSource(ctx: EdgeContext, target: ComfyNode, input: string, from: string, slot: number) {
  const source = ctx.byId.get(from);
  const place = ctx.placed.get(from);
  if (!source || !place) {
    ctx.warnings.push(`node ${target.id} input "${input}" links to node ${from}, which does not exist`);
    return null;
  }
  if (place.kind === 'placeholder') return [from, outputName(source, slot)] as [string, string];
  const socket: PartSocket | null | undefined = place.mapping.outputs[slot];
  if (!socket) {
    ctx.warnings.push(
      `node ${target.id} input "${input}" uses output ${slot} (${outputName(source, slot)}) of ${source.classType} ${from}, which Diffgraph's node does not have`,
    );
    return null;
  }
  return [place.ids[socket[0]], socket[1]] as [string, string];
}

function edgeTargets(ctx: EdgeContext, node: ComfyNode, input: string): [string, string][] {
  const place = ctx.placed.get(node.id);
  if (!place || place.kind === 'placeholder') return [[node.id, input]];
  const targets = place.mapping.inputs[input];
  if (!targets) {
    ctx.warnings.push(`node ${node.id} (${node.classType}) input "${input}" has no Diffgraph equivalent`);
    return [];
  }
  return targets.map(([suffix, name]) => [place.ids[suffix], name]);
}

function buildEdges(ctx: EdgeContext, comfyNodes: ComfyNode[]): GraphEdge[] {
  const edges: GraphEdge[] = [];
  for (const node of comfyNodes) {
    for (const [input, link] of Object.entries(node.links)) {
      const from = edgeSource(ctx, node, input, link.from, link.slot);
      if (!from) continue;
      for (const to of edgeTargets(ctx, node, input)) {
        edges.push(link.points?.length ? { from, to, points: link.points } : { from, to });
      }
    }
    const place = ctx.placed.get(node.id);
    if (place?.kind !== 'mapped') continue;
    for (const wire of place.mapping.internal ?? []) {
      edges.push({
        from: [place.ids[wire.from[0]], wire.from[1]],
        to: [place.ids[wire.to[0]], wire.to[1]],
      });
    }
  }
  return edges;
}

/**
 * A NoiseSchedule needs the model for its training schedule; ComfyUI's Karras/Exponential
 * schedulers have no model input, so they borrow the model of the sampler they feed.
 */
function borrowModels(nodes: Record<string, GraphNode>, edges: GraphEdge[]): void {
  const into = (id: string, name: string) => edges.find((e) => e.to[0] === id && e.to[1] === name);
  for (const [id, node] of Object.entries(nodes)) {
    if (node.type !== 'NoiseSchedule' || into(id, 'model')) continue;
    const feeds = edges.find((e) => e.from[0] === id && nodes[e.to[0]]?.type === 'Sampler');
    const model = feeds && into(feeds.to[0], 'model');
    if (model) edges.push({ from: model.from, to: [id, 'model'] });
  }
}

export function buildGraph(
  input: ComfyNode[],
  extras: GraphExtras,
  source: ImportReport['source'],
): { doc: GraphDocument; report: ImportReport } {
  const { nodes: comfyNodes, folded } = foldSamplerParts(input);
  const report: ImportReport = { source, unmapped: [], warnings: [...folded] };
  const nodes: Record<string, GraphNode> = {};
  const placed = new Map<string, Placed>();
  for (const node of comfyNodes) {
    report.warnings.push(...(node.warnings ?? []).map((w) => `node ${node.id} (${node.classType}): ${w}`));
    const mapping = mapNode(node);
    if (typeof mapping === 'string') {
      addPlaceholder(node, nodes);
      placed.set(node.id, { kind: 'placeholder' });
      report.unmapped.push({ id: node.id, type: node.classType, reason: mapping });
    } else {
      placed.set(node.id, { kind: 'mapped', mapping, ids: addMapped(node, mapping, nodes) });
    }
  }
  const ctx = { byId: new Map(comfyNodes.map((n) => [n.id, n])), placed, warnings: report.warnings };
  const edges = buildEdges(ctx, comfyNodes);
  borrowModels(nodes, edges);
  const doc: GraphDocument = { format: 'diffgraph', version: 1, nodes, edges };
  if (extras.title) doc.title = extras.title;
  if (extras.groups?.length) doc.groups = extras.groups;
  if (extras.notes?.length) doc.notes = extras.notes;
  if (extras.models?.length) doc.models = extras.models;
  return { doc, report };
}
