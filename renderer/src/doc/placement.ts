// Where a new node goes: as close as possible to where the user asked, but never on top of another
// node and never under what covers the canvas (minimap, zoom buttons) or past its visible edge
// (under the side panel). Canvas coordinates throughout.
import type { GraphDoc, Vec2 } from './types.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Size = { width: number; height: number };

/** Size assumed for a node the canvas has not measured yet. */
export const UNMEASURED_NODE: Size = { width: 240, height: 160 };
/** Space kept between a new node and its neighbours. */
const MARGIN = 20;
/** Candidate spots lie on this grid around the wanted one (the canvas's snap grid). */
const STEP = 20;
const MAX_RINGS = 60;

export function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

export function contains(outer: Rect, inner: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

/** Rectangles of the document's nodes (measured sizes where known). */
export function nodeRects(doc: GraphDoc, sizes: ReadonlyMap<string, Size>): Rect[] {
  return Object.entries(doc.nodes).map(([id, node]) => {
    const size = sizes.get(id) ?? UNMEASURED_NODE;
    return { x: node.position[0], y: node.position[1], ...size };
  });
}

export interface PlacementArea {
  /** The part of the canvas on screen, if known: the node should lie inside it. */
  visible?: Rect;
  /** Parts of the visible canvas covered by overlays (minimap, controls). */
  covered?: Rect[];
}

/**
 * The free top-left corner nearest to `wanted` (rings of grid points around it) for a node of
 * `size`. Prefers spots fully in view; when none is free in view, the nearest free spot anywhere.
 */
export function freePosition(
  wanted: Vec2,
  size: Size,
  occupied: readonly Rect[],
  area: PlacementArea = {},
): Vec2 {
  const padded = occupied.map((r) => ({
    x: r.x - MARGIN,
    y: r.y - MARGIN,
    width: r.width + 2 * MARGIN,
    height: r.height + 2 * MARGIN,
  }));
  const covered = area.covered ?? [];
  const free = (rect: Rect) => !padded.some((r) => intersects(r, rect));
  const inView = (rect: Rect) =>
    (!area.visible || contains(area.visible, rect)) && !covered.some((c) => intersects(c, rect));
  let fallback: Vec2 | null = null;
  for (let ring = 0; ring <= MAX_RINGS; ring++) {
    for (const [dx, dy] of ringOffsets(ring)) {
      const spot: Vec2 = [wanted[0] + dx * STEP, wanted[1] + dy * STEP];
      const rect = { x: spot[0], y: spot[1], ...size };
      if (!free(rect)) continue;
      if (inView(rect)) return spot;
      fallback ??= spot;
    }
  }
  return fallback ?? wanted;
}

/** Grid offsets at Chebyshev distance `ring`, nearest (Euclidean) first. */
function ringOffsets(ring: number): Vec2[] {
  if (ring === 0) return [[0, 0]];
  const out: Vec2[] = [];
  for (let dx = -ring; dx <= ring; dx++) {
    for (let dy = -ring; dy <= ring; dy++) {
      if (Math.max(Math.abs(dx), Math.abs(dy)) === ring) out.push([dx, dy]);
    }
  }
  return out.sort((a, b) => a[0] ** 2 + a[1] ** 2 - (b[0] ** 2 + b[1] ** 2));
}

/**
 * Distance from a node's top to the top of the nearest node under it (overlapping it
 * horizontally): the most the node may grow to while it runs. Infinity when nothing is below.
 */
export function roomBelow(doc: GraphDoc, sizes: ReadonlyMap<string, Size>, id: string): number {
  const node = doc.nodes[id];
  if (!node) return Number.POSITIVE_INFINITY;
  const width = (sizes.get(id) ?? UNMEASURED_NODE).width;
  const [x, y] = node.position;
  let nearest = Number.POSITIVE_INFINITY;
  for (const [otherId, other] of Object.entries(doc.nodes)) {
    if (otherId === id) continue;
    const [ox, oy] = other.position;
    const otherWidth = (sizes.get(otherId) ?? UNMEASURED_NODE).width;
    if (oy > y && ox < x + width && x < ox + otherWidth) nearest = Math.min(nearest, oy - y);
  }
  return nearest;
}

/** A new node's size before the canvas has measured it: rows of sockets and widgets. */
export function estimateNodeSize(schema: {
  inputs: readonly unknown[];
  outputs: readonly unknown[];
  widgets: readonly { kind: string; multiline?: boolean }[];
}): Size {
  const socketRows = Math.max(schema.inputs.length, schema.outputs.length);
  const widgetHeight = schema.widgets.reduce(
    (sum, w) => sum + (w.kind === 'string' && w.multiline ? 79 : w.kind === 'seed' ? 54 : 27),
    0,
  );
  return { width: UNMEASURED_NODE.width, height: 40 + socketRows * 22 + widgetHeight };
}
