// Groups (titled frames that carry their nodes), notes and reroute points on wires.
import { roundVec } from './commands.ts';
import type { DocEdge, DocGroup, DocNote, GraphDoc, Vec2 } from './types.ts';

export const GROUP_COLORS = ['#3f5f8a', '#5a4a8a', '#3d7a5c', '#8a6a3a', '#8a3f4f', '#4a4a4a'];

function newDecorId(doc: GraphDoc, prefix: string): string {
  const used = new Set([...(doc.groups ?? []).map((g) => g.id), ...(doc.notes ?? []).map((n) => n.id)]);
  for (let n = 1; ; n++) if (!used.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

export function addGroup(
  doc: GraphDoc,
  bounds: DocGroup['bounds'],
  title = 'Group',
): { doc: GraphDoc; id: string } {
  const id = newDecorId(doc, 'group');
  const color = GROUP_COLORS[(doc.groups?.length ?? 0) % GROUP_COLORS.length];
  const group: DocGroup = { id, title, color, bounds: bounds.map(Math.round) as DocGroup['bounds'] };
  return { doc: { ...doc, groups: [...(doc.groups ?? []), group] }, id };
}

export function updateGroup(doc: GraphDoc, id: string, change: Partial<DocGroup>): GraphDoc {
  return { ...doc, groups: (doc.groups ?? []).map((g) => (g.id === id ? { ...g, ...change, id } : g)) };
}

/** Nodes and notes whose top-left corner lies inside the group's frame move with it. */
export function itemsInGroup(doc: GraphDoc, group: DocGroup): { nodes: string[]; notes: string[] } {
  const [x, y, w, h] = group.bounds;
  const inside = (p: Vec2) => p[0] >= x && p[1] >= y && p[0] <= x + w && p[1] <= y + h;
  return {
    nodes: Object.entries(doc.nodes)
      .filter(([, n]) => inside(n.position))
      .map(([id]) => id),
    notes: (doc.notes ?? []).filter((n) => inside(n.position)).map((n) => n.id),
  };
}

/** Moves a group to a new top-left corner, carrying the nodes and notes inside it. */
export function moveGroup(doc: GraphDoc, id: string, to: Vec2): GraphDoc {
  const group = doc.groups?.find((g) => g.id === id);
  if (!group) return doc;
  const dx = Math.round(to[0] - group.bounds[0]);
  const dy = Math.round(to[1] - group.bounds[1]);
  if (dx === 0 && dy === 0) return doc;
  const carried = itemsInGroup(doc, group);
  const nodes = { ...doc.nodes };
  for (const nid of carried.nodes) {
    const p = nodes[nid].position;
    nodes[nid] = { ...nodes[nid], position: [p[0] + dx, p[1] + dy] };
  }
  const noteIds = new Set(carried.notes);
  const notes = doc.notes?.map((n) =>
    noteIds.has(n.id) ? { ...n, position: [n.position[0] + dx, n.position[1] + dy] as Vec2 } : n,
  );
  const [, , w, h] = group.bounds;
  const moved = { ...doc, nodes, ...(notes ? { notes } : {}) };
  return updateGroup(moved, id, { bounds: [group.bounds[0] + dx, group.bounds[1] + dy, w, h] });
}

export function addNote(doc: GraphDoc, position: Vec2, text = ''): { doc: GraphDoc; id: string } {
  const id = newDecorId(doc, 'note');
  const note: DocNote = { id, text, position: roundVec(position), size: [240, 120] };
  return { doc: { ...doc, notes: [...(doc.notes ?? []), note] }, id };
}

export function updateNote(doc: GraphDoc, id: string, change: Partial<DocNote>): GraphDoc {
  return { ...doc, notes: (doc.notes ?? []).map((n) => (n.id === id ? { ...n, ...change, id } : n)) };
}

export function removeDecor(doc: GraphDoc, ids: ReadonlySet<string>): GraphDoc {
  if (ids.size === 0) return doc;
  const next = { ...doc };
  if (doc.groups) next.groups = doc.groups.filter((g) => !ids.has(g.id));
  if (doc.notes) next.notes = doc.notes.filter((n) => !ids.has(n.id));
  return next;
}

function updateEdge(doc: GraphDoc, index: number, change: (e: DocEdge) => DocEdge): GraphDoc {
  if (!doc.edges[index]) return doc;
  const edges = doc.edges.slice();
  edges[index] = change(edges[index]);
  return { ...doc, edges };
}

/** Inserts a reroute point at `at` in the wire's point list. */
export function addReroute(doc: GraphDoc, edgeIndex: number, at: number, point: Vec2): GraphDoc {
  return updateEdge(doc, edgeIndex, (e) => {
    const points = [...(e.points ?? [])];
    points.splice(at, 0, roundVec(point));
    return { ...e, points };
  });
}

export function moveReroute(doc: GraphDoc, edgeIndex: number, at: number, point: Vec2): GraphDoc {
  return updateEdge(doc, edgeIndex, (e) => ({
    ...e,
    points: (e.points ?? []).map((p, i) => (i === at ? roundVec(point) : p)),
  }));
}

export function removeReroute(doc: GraphDoc, edgeIndex: number, at: number): GraphDoc {
  return updateEdge(doc, edgeIndex, (e) => {
    const points = (e.points ?? []).filter((_, i) => i !== at);
    const { points: _old, ...rest } = e;
    return points.length > 0 ? { ...rest, points } : (rest as DocEdge);
  });
}

/** Where a new reroute point goes so the wire keeps its order: after the nearest segment start. */
export function rerouteIndex(start: Vec2, points: Vec2[], end: Vec2, p: Vec2): number {
  const path = [start, ...points, end];
  let best = 0;
  let bestDist = Number.POSITIVE_INFINITY;
  for (let i = 0; i < path.length - 1; i++) {
    const d = segmentDistance(path[i], path[i + 1], p);
    if (d < bestDist) {
      bestDist = d;
      best = i;
    }
  }
  return best;
}

function segmentDistance(a: Vec2, b: Vec2, p: Vec2): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len));
  return Math.hypot(a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
}
