// Derives React Flow nodes and edges from the graph document. Node objects are reused while their
// document node, selection and size are unchanged, so React Flow skips them (500-node graphs).
import type { Edge, Node } from '@xyflow/react';
import { sourceType } from './ports.ts';
import {
  type DocEdge,
  type DocGroup,
  type DocNote,
  edgeKey,
  type GraphDoc,
  type SchemaMap,
} from './types.ts';

export const GROUP_PREFIX = 'group:';
export const NOTE_PREFIX = 'note:';

export interface NodeData extends Record<string, unknown> {
  id: string;
}
export interface GroupData extends Record<string, unknown> {
  group: DocGroup;
}
export interface NoteData extends Record<string, unknown> {
  note: DocNote;
}
export interface WireData extends Record<string, unknown> {
  index: number;
  points: [number, number][];
  color: string;
}

type Sizes = ReadonlyMap<string, { width: number; height: number }>;

interface CacheEntry {
  key: unknown[];
  node: Node;
}

export class FlowDeriver {
  private cache = new Map<string, CacheEntry>();

  nodes(doc: GraphDoc, schemas: SchemaMap | null, selected: ReadonlySet<string>, sizes: Sizes): Node[] {
    const next = new Map<string, CacheEntry>();
    const out: Node[] = [];
    const reuse = (id: string, key: unknown[], make: () => Node) => {
      const hit = this.cache.get(id);
      const entry = hit && sameKey(hit.key, key) ? hit : { key, node: make() };
      next.set(id, entry);
      out.push(entry.node);
    };
    for (const group of doc.groups ?? []) {
      const id = GROUP_PREFIX + group.id;
      reuse(id, [group, selected.has(id)], () => ({
        id,
        type: 'group',
        position: { x: group.bounds[0], y: group.bounds[1] },
        width: group.bounds[2],
        height: group.bounds[3],
        measured: { width: group.bounds[2], height: group.bounds[3] },
        zIndex: -1,
        selected: selected.has(id),
        dragHandle: '.dg-group-title',
        data: { group } satisfies GroupData,
      }));
    }
    for (const note of doc.notes ?? []) {
      const id = NOTE_PREFIX + note.id;
      reuse(id, [note, selected.has(id), sizes.get(id)], () => ({
        id,
        type: 'note',
        position: { x: note.position[0], y: note.position[1] },
        width: note.size?.[0] ?? 240,
        height: note.size?.[1] ?? 120,
        measured: sizes.get(id),
        selected: selected.has(id),
        data: { note } satisfies NoteData,
      }));
    }
    for (const [id, node] of Object.entries(doc.nodes)) {
      const known = !schemas || schemas.has(node.type);
      reuse(id, [node.position, selected.has(id), sizes.get(id), known], () => ({
        id,
        type: known ? 'graph' : 'placeholder',
        position: { x: node.position[0], y: node.position[1] },
        measured: sizes.get(id),
        selected: selected.has(id),
        data: { id } satisfies NodeData,
      }));
    }
    this.cache = next;
    return out;
  }
}

function sameKey(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Edge objects are reused while their wire and its colour are unchanged (React Flow skips them). */
export class EdgeDeriver {
  private cache = new Map<string, { key: unknown[]; edge: Edge }>();
  private last: Edge[] = [];
  private lastInputs: unknown[] = [];
  /** The type of each wire's source node when `last` was made (a wire's colour comes from it). */
  private lastSourceTypes: (string | undefined)[] = [];

  edges(
    doc: GraphDoc,
    schemas: SchemaMap | null,
    colors: Record<string, { color: string }>,
    selected: ReadonlySet<string>,
  ): Edge[] {
    // A node drag changes the document on every step but no wire: answer without rebuilding
    // (700 wires' keys and socket types per step were over a millisecond each frame).
    const inputs = [doc.edges, schemas, colors, selected];
    const sourceTypes = doc.edges.map((e) => doc.nodes[e.from[0]]?.type);
    if (sameKey(inputs, this.lastInputs) && sameKey(sourceTypes, this.lastSourceTypes)) return this.last;
    this.lastInputs = inputs;
    this.lastSourceTypes = sourceTypes;
    const next = new Map<string, { key: unknown[]; edge: Edge }>();
    const out = doc.edges.map((e, index) => {
      const id = edgeKey(e);
      const from = doc.nodes[e.from[0]];
      const type = from ? sourceType(schemas?.get(from.type), e.from[1]) : null;
      const color = type ? (colors[type]?.color ?? '#888') : '#888';
      const key = [e, index, color, selected.has(id)];
      const hit = this.cache.get(id);
      const entry =
        hit && sameKey(hit.key, key) ? hit : { key, edge: makeEdge(e, id, index, color, selected.has(id)) };
      next.set(id, entry);
      return entry.edge;
    });
    this.cache = next;
    // Moving a node changes no wire: keep the same array so React Flow does no edge work at all.
    if (out.length === this.last.length && out.every((e, i) => e === this.last[i])) return this.last;
    this.last = out;
    return out;
  }
}

function makeEdge(e: DocEdge, id: string, index: number, color: string, selected: boolean): Edge {
  return {
    id,
    source: e.from[0],
    sourceHandle: e.from[1],
    target: e.to[0],
    targetHandle: e.to[1],
    type: 'wire',
    selected,
    data: { index, points: e.points ?? [], color } satisfies WireData,
  };
}
