// Where a paste lands: the copied nodes keep their layout, with their top-left corner at the
// pointer (as in ComfyUI), moved to the nearest spot where they cover no existing node.
import {
  estimateNodeSize,
  freePosition,
  nodeRects,
  type PlacementArea,
  type Size,
  UNMEASURED_NODE,
} from './placement.ts';
import type { GraphDoc, SchemaMap, Vec2 } from './types.ts';

/** Width and height of everything in the clip, from its top-left corner. */
export function clipExtent(
  clip: GraphDoc,
  sizes: ReadonlyMap<string, Size>,
  schemas: SchemaMap | null,
): Size {
  const boxes = [
    ...Object.entries(clip.nodes).map(([id, n]) => {
      const schema = schemas?.get(n.type);
      // A clip copied from this document keeps its ids, so the canvas may have measured them.
      const size = sizes.get(id) ?? (schema ? estimateNodeSize(schema) : UNMEASURED_NODE);
      return { x: n.position[0], y: n.position[1], ...size };
    }),
    ...(clip.notes ?? []).map((n) => ({
      x: n.position[0],
      y: n.position[1],
      width: n.size?.[0] ?? 240,
      height: n.size?.[1] ?? 120,
    })),
  ];
  if (boxes.length === 0) return { width: 0, height: 0 };
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  return {
    width: Math.max(...boxes.map((b) => b.x + b.width)) - left,
    height: Math.max(...boxes.map((b) => b.y + b.height)) - top,
  };
}

/** The canvas point for the clip's top-left corner: `pointer`, or the nearest free spot to it. */
export function pasteSpot(
  doc: GraphDoc,
  clip: GraphDoc,
  pointer: Vec2,
  sizes: ReadonlyMap<string, Size>,
  schemas: SchemaMap | null,
  area: PlacementArea = {},
): Vec2 {
  return freePosition(pointer, clipExtent(clip, sizes, schemas), nodeRects(doc, sizes), area);
}
