// Dragging a node to the canvas edge pans the view (React Flow's auto-pan), but React Flow runs its
// auto-pan check on every animation frame for the whole drag, and each of those frames costs a
// full compositing pass over every node (about 1.5 ms at 500 nodes in software rendering). The
// check is switched on only while the pointer is near an edge, where it can pan.
import { type PointerEvent, type RefObject, useCallback, useState } from 'react';

/** React Flow pans when the pointer is within 40 px of an edge; start the check a little before. */
const EDGE_ZONE = 48;

export function nearEdge(point: { x: number; y: number }, box: DOMRect, zone = EDGE_ZONE): boolean {
  return (
    point.x < box.left + zone ||
    point.y < box.top + zone ||
    point.x > box.right - zone ||
    point.y > box.bottom - zone
  );
}

/** Whether auto-pan is on, and the canvas's pointer-move handler that switches it. */
export function useEdgeAutoPan(canvas: RefObject<HTMLElement | null>): {
  autoPan: boolean;
  onPointerMove: (e: PointerEvent) => void;
} {
  const [autoPan, setAutoPan] = useState(false);
  const onPointerMove = useCallback(
    (e: PointerEvent) => {
      const box = canvas.current?.getBoundingClientRect();
      // Setting the same value again does not re-render.
      if (box) setAutoPan(nearEdge({ x: e.clientX, y: e.clientY }, box));
    },
    [canvas],
  );
  return { autoPan, onPointerMove };
}
