// Dragging a node or a model file from the left panel onto the canvas adds it where it is dropped.
import { useReactFlow } from '@xyflow/react';
import type { DragEvent } from 'react';
import { useCallback } from 'react';
import { editor } from '../store/editor.ts';
import { addNodeAt } from '../store/palette-actions.ts';

/** The drag payload's MIME type: `{ type, widgets }` of the node to add. */
export const NODE_DRAG_TYPE = 'application/x-diffgraph-node';

export interface NodeDragPayload {
  type: string;
  widgets?: Record<string, unknown>;
}

export function isLibraryDrag(e: DragEvent): boolean {
  return e.dataTransfer.types.includes(NODE_DRAG_TYPE);
}

/** Handles a drop from the library; returns false for other drops (files) so the canvas takes them. */
export function useLibraryDrop(): (e: DragEvent) => boolean {
  const flow = useReactFlow();
  return useCallback(
    (e: DragEvent) => {
      if (!isLibraryDrag(e)) return false;
      e.preventDefault();
      let payload: NodeDragPayload;
      try {
        payload = JSON.parse(e.dataTransfer.getData(NODE_DRAG_TYPE)) as NodeDragPayload;
      } catch {
        return true;
      }
      const schema = editor.get().catalogue?.byType.get(payload.type);
      if (!schema) return true;
      const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      // addNodeAt puts the header 20 px above the point: the node lands under the cursor.
      addNodeAt(schema, { flow: { x: at.x - 40, y: at.y } }, payload.widgets);
      return true;
    },
    [flow],
  );
}
