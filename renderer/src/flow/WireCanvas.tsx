// Wires drawn on one canvas while zoomed far out. With every node in view, 700 SVG wires made each
// frame of a drag repaint hundreds of separate paths in software rendering; one canvas redraws
// them all in a few milliseconds, once per frame at most. Zoomed out, wires take no pointer
// anyway (see canvas-context.ts), so nothing is lost. Closer in, React Flow draws SVG wires again.
import { type Edge, useStoreApi } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { editorSettings } from '../store/editor-settings.ts';
import { type NodeLookup, WirePathCache } from './wire-path-cache.ts';

/** Wire width in canvas units, as the SVG wires; never thinner than one screen pixel. */
const WIRE_WIDTH = 2.2;

export function WireCanvas({ edges }: { edges: Edge[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const store = useStoreApi();
  const cache = useRef(new WirePathCache());
  useEffect(() => {
    let frame = 0;
    const draw = () => {
      frame = 0;
      const canvas = ref.current;
      if (!canvas) return;
      const { transform, width, height, nodeLookup } = store.getState();
      const drawn = drawWires(canvas, cache.current, edges, nodeLookup, transform, width, height);
      canvas.dataset.wires = String(drawn);
    };
    const schedule = () => {
      frame ||= requestAnimationFrame(draw);
    };
    schedule();
    // Redraw when the view moves or a node moves or is measured (not on unrelated store changes).
    let last = store.getState();
    const stop = store.subscribe((state) => {
      const moved =
        state.transform !== last.transform ||
        state.nodes !== last.nodes ||
        state.width !== last.width ||
        state.height !== last.height;
      last = state;
      if (moved) schedule();
    });
    return () => {
      stop();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [edges, store]);
  return <canvas ref={ref} className="dg-wire-canvas" data-testid="wire-canvas" />;
}

/** Draws every wire whose two sockets are measured; returns how many were drawn. */
function drawWires(
  canvas: HTMLCanvasElement,
  cache: WirePathCache,
  edges: Edge[],
  nodes: NodeLookup,
  [tx, ty, zoom]: [number, number, number],
  width: number,
  height: number,
): number {
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * dpr)) canvas.width = Math.round(width * dpr);
  if (canvas.height !== Math.round(height * dpr)) canvas.height = Math.round(height * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) return 0;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.setTransform(dpr * zoom, 0, 0, dpr * zoom, dpr * tx, dpr * ty);
  const style = editorSettings.get().linkStyle;
  if (style === 'hidden') return 0;
  // One path per colour and block of wires: a few dozen strokes instead of one per wire.
  const { groups, drawn } = cache.paths(edges, nodes, style);
  ctx.lineWidth = Math.max(WIRE_WIDTH, 1 / zoom);
  ctx.globalAlpha = 0.85;
  for (const { color, path } of groups) {
    ctx.strokeStyle = color;
    ctx.stroke(path);
  }
  return drawn;
}
