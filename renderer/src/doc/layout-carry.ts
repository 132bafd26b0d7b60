// Applies new node positions (auto-layout) and carries what belongs to the nodes along: a group's
// frame is refitted around its nodes (keeping its margins) with its notes, and a wire's reroute
// points move with the nodes at its ends.
import { moveNodes } from './commands.ts';
import { itemsInGroup } from './decor.ts';
import { type Size, UNMEASURED_NODE } from './placement.ts';
import type { DocEdge, DocGroup, GraphDoc, Vec2 } from './types.ts';

export function applyLayout(
  doc: GraphDoc,
  positions: ReadonlyMap<string, Vec2>,
  sizes: ReadonlyMap<string, Size> = new Map(),
): GraphDoc {
  const delta = (id: string): Vec2 => {
    const to = positions.get(id);
    const node = doc.nodes[id];
    return to && node ? [Math.round(to[0]) - node.position[0], Math.round(to[1]) - node.position[1]] : [0, 0];
  };
  let next = moveNodes(doc, positions);
  if (doc.groups?.length) next = carryGroups(doc, next, sizes, delta);
  if (doc.edges.some((e) => e.points?.length)) {
    next = { ...next, edges: next.edges.map((e) => carryReroutes(e, delta)) };
  }
  return next;
}

type Delta = (id: string) => Vec2;

function carryGroups(before: GraphDoc, after: GraphDoc, sizes: ReadonlyMap<string, Size>, delta: Delta) {
  const noteShift = new Map<string, Vec2>();
  const groups = (before.groups ?? []).map((group): DocGroup => {
    const members = itemsInGroup(before, group);
    if (!members.nodes.some((id) => delta(id)[0] !== 0 || delta(id)[1] !== 0)) return group;
    const old = boundsOf(before, members.nodes, sizes);
    const now = boundsOf(after, members.nodes, sizes);
    const [gx, gy, gw, gh] = group.bounds;
    const pad = {
      left: old.x - gx,
      top: old.y - gy,
      right: gx + gw - old.x - old.width,
      bottom: gy + gh - old.y - old.height,
    };
    const x = now.x - pad.left;
    const y = now.y - pad.top;
    for (const noteId of members.notes) noteShift.set(noteId, [x - gx, y - gy]);
    return {
      ...group,
      bounds: [x, y, now.width + pad.left + pad.right, now.height + pad.top + pad.bottom],
    };
  });
  const notes = after.notes?.map((n) => {
    const shift = noteShift.get(n.id);
    return shift ? { ...n, position: [n.position[0] + shift[0], n.position[1] + shift[1]] as Vec2 } : n;
  });
  return { ...after, groups, ...(notes ? { notes } : {}) };
}

function boundsOf(doc: GraphDoc, ids: string[], sizes: ReadonlyMap<string, Size>) {
  const rects = ids.map((id) => {
    const size = sizes.get(id) ?? UNMEASURED_NODE;
    return { x: doc.nodes[id].position[0], y: doc.nodes[id].position[1], ...size };
  });
  const x = Math.min(...rects.map((r) => r.x));
  const y = Math.min(...rects.map((r) => r.y));
  const right = Math.max(...rects.map((r) => r.x + r.width));
  const bottom = Math.max(...rects.map((r) => r.y + r.height));
  return { x, y, width: right - x, height: bottom - y };
}

/** Point i of k moves by a blend of the two ends' moves: near the source, mostly the source's. */
function carryReroutes(edge: DocEdge, delta: Delta): DocEdge {
  if (!edge.points?.length) return edge;
  const a = delta(edge.from[0]);
  const b = delta(edge.to[0]);
  if (a[0] === 0 && a[1] === 0 && b[0] === 0 && b[1] === 0) return edge;
  const k = edge.points.length;
  const points = edge.points.map(([px, py], i): Vec2 => {
    const t = (i + 1) / (k + 1);
    return [Math.round(px + a[0] + (b[0] - a[0]) * t), Math.round(py + a[1] + (b[1] - a[1]) * t)];
  });
  return { ...edge, points };
}
