// Pure edits of the graph document. Each returns a new document and never mutates its input,
// so undo history can keep old documents by reference.
import type { WidgetSpec } from '../../../nodes/api.ts';
import type { DocEdge, DocNode, GraphDoc, NodeSchema, SeedControl, Vec2 } from './types.ts';

export function defaultWidgets(schema: NodeSchema): Record<string, unknown> {
  const widgets: Record<string, unknown> = {};
  for (const w of schema.widgets) widgets[w.name] = w.default;
  return widgets;
}

/** A readable, unused id derived from the type: `sampler`, `sampler_2`, ... */
export function newNodeId(doc: GraphDoc, type: string, taken: ReadonlySet<string> = new Set()): string {
  const base =
    type
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/[^A-Za-z0-9_]/g, '_')
      .toLowerCase() || 'node';
  const free = (id: string) => !(id in doc.nodes) && !taken.has(id);
  if (free(base)) return base;
  for (let n = 2; ; n++) if (free(`${base}_${n}`)) return `${base}_${n}`;
}

export function addNode(doc: GraphDoc, schema: NodeSchema, position: Vec2): { doc: GraphDoc; id: string } {
  const id = newNodeId(doc, schema.type);
  const node: DocNode = { type: schema.type, widgets: defaultWidgets(schema), position: roundVec(position) };
  return { doc: { ...doc, nodes: { ...doc.nodes, [id]: node } }, id };
}

export function updateNode(doc: GraphDoc, id: string, change: (node: DocNode) => DocNode): GraphDoc {
  const node = doc.nodes[id];
  if (!node) return doc;
  return { ...doc, nodes: { ...doc.nodes, [id]: change(node) } };
}

export function removeNodes(doc: GraphDoc, ids: Iterable<string>): GraphDoc {
  const gone = new Set(ids);
  if (gone.size === 0) return doc;
  const nodes = { ...doc.nodes };
  for (const id of gone) delete nodes[id];
  const edges = doc.edges.filter((e) => !gone.has(e.from[0]) && !gone.has(e.to[0]));
  return { ...doc, nodes, edges };
}

export function moveNodes(doc: GraphDoc, positions: ReadonlyMap<string, Vec2>): GraphDoc {
  if (positions.size === 0) return doc;
  const nodes = { ...doc.nodes };
  for (const [id, position] of positions) {
    if (nodes[id]) nodes[id] = { ...nodes[id], position: roundVec(position) };
  }
  return { ...doc, nodes };
}

export function setWidget(doc: GraphDoc, id: string, name: string, value: unknown): GraphDoc {
  return updateNode(doc, id, (n) => ({ ...n, widgets: { ...n.widgets, [name]: value } }));
}

export function setTitle(doc: GraphDoc, id: string, title: string): GraphDoc {
  return updateNode(doc, id, (n) => {
    const { title: _old, ...rest } = n;
    return title.trim() ? { ...rest, title: title.trim() } : (rest as DocNode);
  });
}

export type NodeFlag = 'bypass' | 'mute' | 'collapsed';

/** Sets a flag on every listed node; `undefined` toggles from the first node's state. */
export function setFlag(doc: GraphDoc, ids: string[], flag: NodeFlag, value?: boolean): GraphDoc {
  const present = ids.filter((id) => doc.nodes[id]);
  if (present.length === 0) return doc;
  const next = value ?? !doc.nodes[present[0]][flag];
  const nodes = { ...doc.nodes };
  for (const id of present) {
    const { [flag]: _old, ...rest } = nodes[id];
    nodes[id] = next ? { ...rest, [flag]: true } : (rest as DocNode);
  }
  return { ...doc, nodes };
}

/** Adds a wire; any wire already feeding the same input is replaced (an input takes one wire). */
export function connect(doc: GraphDoc, edge: DocEdge): GraphDoc {
  const edges = doc.edges.filter((e) => !(e.to[0] === edge.to[0] && e.to[1] === edge.to[1]));
  return { ...doc, edges: [...edges, { from: [...edge.from], to: [...edge.to] }] };
}

export function removeEdges(
  doc: GraphDoc,
  keys: ReadonlySet<string>,
  keyOf: (e: DocEdge) => string,
): GraphDoc {
  const edges = doc.edges.filter((e) => !keys.has(keyOf(e)));
  return edges.length === doc.edges.length ? doc : { ...doc, edges };
}

/** Turns a widget into an input socket, or back (dropping the wire that fed it). */
export function toggleWidgetInput(doc: GraphDoc, id: string, widget: string): GraphDoc {
  const node = doc.nodes[id];
  if (!node) return doc;
  const list = node.widgetInputs ?? [];
  if (!list.includes(widget)) return updateNode(doc, id, (n) => ({ ...n, widgetInputs: [...list, widget] }));
  const rest = list.filter((w) => w !== widget);
  const next = updateNode(doc, id, (n) => {
    const { widgetInputs: _old, ...other } = n;
    return rest.length > 0 ? { ...other, widgetInputs: rest } : (other as DocNode);
  });
  return { ...next, edges: next.edges.filter((e) => !(e.to[0] === id && e.to[1] === widget)) };
}

export function setSeedControl(doc: GraphDoc, id: string, widget: string, control: SeedControl): GraphDoc {
  return updateNode(doc, id, (n) => ({ ...n, seedControl: { ...n.seedControl, [widget]: control } }));
}

/** An int widget run as a seed: a seed widget, or an int given an after-run control (a primitive). */
export function actsAsSeed(kind: string, node: DocNode, name: string): boolean {
  return kind === 'seed' || (kind === 'int' && node.seedControl?.[name] !== undefined);
}

export function seedControlOf(node: DocNode, widget: WidgetSpec): SeedControl {
  return node.seedControl?.[widget.name] ?? (widget.kind === 'seed' ? (widget.control ?? 'fixed') : 'fixed');
}

const MAX_SEED = 2 ** 32 - 1;

/** After a run is queued, seeds move on as their control says (ComfyUI's "control after generate"). */
export function applySeedControls(
  doc: GraphDoc,
  schemas: ReadonlyMap<string, NodeSchema>,
  random: () => number = Math.random,
): GraphDoc {
  let next = doc;
  for (const [id, node] of Object.entries(doc.nodes)) {
    for (const widget of schemas.get(node.type)?.widgets ?? []) {
      if (!actsAsSeed(widget.kind, node, widget.name) || node.widgetInputs?.includes(widget.name)) continue;
      const value = Number(node.widgets[widget.name] ?? widget.default);
      const seed = nextSeed(value, seedControlOf(node, widget), random);
      if (seed !== value) next = setWidget(next, id, widget.name, seed);
    }
  }
  return next;
}

export function nextSeed(value: number, control: SeedControl, random: () => number): number {
  switch (control) {
    case 'increment':
      return value >= MAX_SEED ? 0 : value + 1;
    case 'decrement':
      return value <= 0 ? MAX_SEED : value - 1;
    case 'randomize':
      return Math.floor(random() * (MAX_SEED + 1));
    default:
      return value;
  }
}

export function roundVec(v: Vec2): Vec2 {
  return [Math.round(v[0]), Math.round(v[1])];
}
