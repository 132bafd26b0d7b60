// The graph document as the renderer holds it: the same JSON the engine reads (see the brief).
// Unknown fields are kept as they are, so a round trip through the editor never loses data.
import type { NodeSchema, SeedControl, SocketType } from '../../../nodes/api.ts';

export type Vec2 = [number, number];

export interface DocNode {
  type: string;
  widgets: Record<string, unknown>;
  position: Vec2;
  title?: string;
  bypass?: boolean;
  mute?: boolean;
  collapsed?: boolean;
  /** Widgets turned into input sockets (fed by a wire instead of the inline control). */
  widgetInputs?: string[];
  seedControl?: Record<string, SeedControl>;
  [extra: string]: unknown;
}

export interface DocEdge {
  from: [string, string];
  to: [string, string];
  /** Reroute points the wire passes through, in canvas coordinates. */
  points?: Vec2[];
  [extra: string]: unknown;
}

export interface DocGroup {
  id: string;
  title: string;
  color: string;
  /** x, y, width, height in canvas coordinates. */
  bounds: [number, number, number, number];
  [extra: string]: unknown;
}

export interface DocNote {
  id: string;
  text: string;
  position: Vec2;
  size?: Vec2;
  color?: string;
  [extra: string]: unknown;
}

/** Pan (screen pixels) and zoom of the canvas, as React Flow and the graph file hold them. */
export interface GraphViewport {
  x: number;
  y: number;
  zoom: number;
}

export interface GraphDoc {
  format: 'diffgraph';
  version: 1;
  title?: string;
  description?: string;
  nodes: Record<string, DocNode>;
  edges: DocEdge[];
  groups?: DocGroup[];
  notes?: DocNote[];
  viewport?: GraphViewport;
  [extra: string]: unknown;
}

export type SchemaMap = ReadonlyMap<string, NodeSchema>;
export type { NodeSchema, SeedControl, SocketType };

export function emptyDoc(): GraphDoc {
  return { format: 'diffgraph', version: 1, nodes: {}, edges: [] };
}

/** Stable key of an edge (a document may hold at most one wire per target, but keys stay unique anyway). */
export function edgeKey(edge: DocEdge): string {
  return `${edge.from[0]}:${edge.from[1]}->${edge.to[0]}:${edge.to[1]}`;
}

export function nodeLabel(doc: GraphDoc, id: string): string {
  const node = doc.nodes[id];
  return node?.title || node?.type || id;
}

/**
 * Accepts anything that looks like a graph document (files, clipboard, drops) and fills what the
 * editor needs: positions and widget maps on nodes, ids on groups and notes (files may lack them;
 * the extra `id` fields are kept by the engine's loose schema).
 */
export function asGraphDoc(value: unknown): GraphDoc | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Partial<GraphDoc>;
  if (v.format !== 'diffgraph' || !v.nodes || typeof v.nodes !== 'object' || Array.isArray(v.nodes))
    return null;
  const nodes: Record<string, DocNode> = {};
  for (const [id, raw] of Object.entries(v.nodes)) {
    if (!raw || typeof raw !== 'object' || typeof raw.type !== 'string') return null;
    const position: Vec2 = Array.isArray(raw.position)
      ? [Number(raw.position[0]) || 0, Number(raw.position[1]) || 0]
      : [0, 0];
    nodes[id] = {
      ...raw,
      widgets: raw.widgets && typeof raw.widgets === 'object' ? raw.widgets : {},
      position,
    };
  }
  const doc: GraphDoc = { ...(v as GraphDoc), nodes, edges: Array.isArray(v.edges) ? v.edges : [] };
  if (Array.isArray(v.groups))
    doc.groups = v.groups.map((g, i) => ({ ...g, id: g.id ?? `group${i + 1}`, color: g.color ?? '#3f5f8a' }));
  if (Array.isArray(v.notes)) doc.notes = v.notes.map((n, i) => ({ ...n, id: n.id ?? `note${i + 1}` }));
  return doc;
}
