// Registers the canvas's view with canvas-bridge.ts: the visible canvas (the pane, so never under
// the side panel) and the overlays on it (minimap, zoom buttons), in canvas coordinates.
import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import { contains, type Rect } from '../doc/placement.ts';
import { setCanvasBridge } from '../store/canvas-bridge.ts';

const OVERLAYS = '.dg-minimap, .react-flow__controls';

export function useCanvasBridge(canvas: React.RefObject<HTMLElement | null>): void {
  const flow = useReactFlow();
  useEffect(() => {
    const toFlow = (r: DOMRect): Rect => {
      const a = flow.screenToFlowPosition({ x: r.left, y: r.top }, { snapToGrid: false });
      const b = flow.screenToFlowPosition({ x: r.right, y: r.bottom }, { snapToGrid: false });
      return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
    };
    const visible = () => {
      const el = canvas.current;
      return el ? toFlow(el.getBoundingClientRect()) : undefined;
    };
    setCanvasBridge({
      area: () => {
        const covered = [...(canvas.current?.querySelectorAll(OVERLAYS) ?? [])].map((el) =>
          toFlow(el.getBoundingClientRect()),
        );
        return { visible: visible(), covered };
      },
      reveal: (rect) => {
        const view = visible();
        if (!view || contains(view, rect)) return;
        void flow.setCenter(rect.x + rect.width / 2, rect.y + rect.height / 2, {
          zoom: flow.getZoom(),
          duration: 200,
        });
      },
    });
    return () => setCanvasBridge(null);
  }, [flow, canvas]);
}
