// Wires drawn on one canvas while zoomed far out. With every node in view, 700 SVG wires made each
// frame of a drag repaint hundreds of separate paths in software rendering; one canvas redraws
// them all in a few milliseconds, once per frame at most. Zoomed out, wires take no pointer
// anyway (see canvas-context.ts), so nothing is lost. Closer in, React Flow draws SVG wires again.
import { type Edge, type InternalNode, Position, useStoreApi } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { editorSettings, type LinkStyle } from '../store/editor-settings.ts';
import type { WireData } from './derive.ts';
import { wirePath } from './wire-path.ts';

type Lookup = ReadonlyMap<string, InternalNode>;

/** Wire width in canvas units, as the SVG wires; never thinner than one screen pixel. */
const WIRE_WIDTH = 2.2;

export function WireCanvas({ edges }: { edges: Edge[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const store = useStoreApi();
  useEffect(() => {
    let frame = 0;
    const draw = () => {
      frame = 0;
      const canvas = ref.current;
      if (!canvas) return;
      const { transform, width, height, nodeLookup } = store.getState();
      const drawn = drawWires(canvas, edges, nodeLookup, transform, width, height);
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
  edges: Edge[],
  nodes: Lookup,
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
  // One path per colour: a few strokes instead of one per wire.
  const byColor = new Map<string, Path2D>();
  const style = editorSettings.get().linkStyle;
  if (style === 'hidden') return 0;
  let drawn = 0;
  for (const edge of edges) {
    const d = edgePath(edge, nodes, style);
    if (!d) continue;
    const color = (edge.data as WireData).color;
    const path = byColor.get(color) ?? new Path2D();
    byColor.set(color, path);
    path.addPath(new Path2D(d));
    drawn++;
  }
  ctx.lineWidth = Math.max(WIRE_WIDTH, 1 / zoom);
  ctx.globalAlpha = 0.85;
  for (const [color, path] of byColor) {
    ctx.strokeStyle = color;
    ctx.stroke(path);
  }
  return drawn;
}

/** The same path React Flow draws for the wire (WireEdge), from the measured socket positions. */
function edgePath(edge: Edge, nodes: Lookup, style: LinkStyle): string | null {
  const source = socketPoint(nodes.get(edge.source), 'source', edge.sourceHandle);
  const target = socketPoint(nodes.get(edge.target), 'target', edge.targetHandle);
  if (!source || !target) return null;
  const ends = {
    sourceX: source[0],
    sourceY: source[1],
    sourcePosition: Position.Right,
    targetX: target[0],
    targetY: target[1],
    targetPosition: Position.Left,
  };
  return wirePath(style, ends, (edge.data as WireData).points);
}

function socketPoint(
  node: InternalNode | undefined,
  kind: 'source' | 'target',
  handleId: string | null | undefined,
): [number, number] | null {
  const handle = node?.internals.handleBounds?.[kind]?.find((h) => h.id === handleId);
  if (!node || !handle) return null;
  const { x, y } = node.internals.positionAbsolute;
  const hx = kind === 'source' ? handle.x + handle.width : handle.x;
  return [x + hx, y + handle.y + handle.height / 2];
}
