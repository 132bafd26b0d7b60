// A click in the node or model library adds the node in the middle of the visible canvas.
import { useReactFlow } from '@xyflow/react';
import { useCallback } from 'react';
import type { NodeSchema } from '../doc/types.ts';
import { addNodeAt } from '../store/palette-actions.ts';

export function useAddAtCentre(): (schema: NodeSchema, widgets?: Record<string, unknown>) => string {
  const flow = useReactFlow();
  return useCallback(
    (schema, widgets) => {
      const pane = document.querySelector('.dg-canvas')?.getBoundingClientRect();
      const centre = pane
        ? { x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 }
        : { x: window.innerWidth / 2, y: window.innerHeight / 2 };
      const at = flow.screenToFlowPosition(centre);
      return addNodeAt(schema, { flow: { x: at.x - 120, y: at.y - 60 } }, widgets);
    },
    [flow],
  );
}
