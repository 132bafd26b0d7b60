// The minimap: the document's nodes drawn on one <canvas>, the view as a frame over them; drag it
// to pan, scroll on it to zoom. React Flow's own minimap is an SVG element per node, each with a
// store subscription run on every pan and drag step: on a 500-node graph that was a millisecond
// or more of every frame. This one redraws from the document only when it changes (and the dragged
// nodes on each drag step).
import { Panel, type ReactFlowState, useStore as useFlowStore, useReactFlow } from '@xyflow/react';
import { type PointerEvent, useEffect, useMemo, useRef, type WheelEvent } from 'react';
import { NOTE_PREFIX } from '../doc/flow-derive.ts';
import type { GraphDoc, Vec2 } from '../doc/types.ts';
import { dragPositions } from '../store/drag-positions.ts';
import { editor } from '../store/editor.ts';
import { useSlice } from '../store/store.ts';

const WIDTH = 200;
const HEIGHT = 150;
const PAD = 40;
const NODE_FALLBACK = { width: 240, height: 120 };

type Rect = { x: number; y: number; width: number; height: number };
type Sizes = ReadonlyMap<string, { width: number; height: number }>;

function itemRects(
  doc: GraphDoc,
  sizes: Sizes,
  dragged: ReadonlyMap<string, Vec2>,
): { nodes: Rect[]; groups: Rect[] } {
  const nodes: Rect[] = [];
  for (const [id, n] of Object.entries(doc.nodes)) {
    const size = sizes.get(id) ?? NODE_FALLBACK;
    const [x, y] = dragged.get(id) ?? n.position;
    nodes.push({ x, y, ...size });
  }
  for (const note of doc.notes ?? []) {
    const size = sizes.get(NOTE_PREFIX + note.id) ?? NODE_FALLBACK;
    nodes.push({ x: note.position[0], y: note.position[1], ...size });
  }
  const groups = (doc.groups ?? []).map(({ bounds: [x, y, width, height] }) => ({ x, y, width, height }));
  return { nodes, groups };
}

function cover(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}

function union(rects: Rect[]): Rect {
  const x0 = Math.min(...rects.map((r) => r.x));
  const y0 = Math.min(...rects.map((r) => r.y));
  const x1 = Math.max(...rects.map((r) => r.x + r.width));
  const y1 = Math.max(...rects.map((r) => r.y + r.height));
  return { x: x0 - PAD, y: y0 - PAD, width: x1 - x0 + 2 * PAD, height: y1 - y0 + 2 * PAD };
}

/** The visible part of the canvas, in canvas coordinates. */
const viewSelector = (s: ReactFlowState) => {
  const [tx, ty, zoom] = s.transform;
  return `${-tx / zoom},${-ty / zoom},${s.width / zoom},${s.height / zoom}`;
};

export function MiniMap() {
  const doc = useSlice(editor, (s) => s.doc);
  const sizes = useSlice(editor, (s) => s.measured);
  // Nodes being dragged are drawn where the drag has them (the document gets them at drag end).
  const dragged = useSlice(dragPositions, (s) => s.moving);
  const viewKey = useFlowStore(viewSelector);
  const flow = useReactFlow();
  const canvas = useRef<HTMLCanvasElement>(null);
  const rects = useMemo(() => itemRects(doc, sizes, dragged), [doc, sizes, dragged]);
  const itemBounds = useMemo(() => union([...rects.nodes, ...rects.groups]), [rects]);
  const view = useMemo<Rect>(() => {
    const [x, y, width, height] = viewKey.split(',').map(Number);
    return { x, y, width, height };
  }, [viewKey]);
  const bounds = rects.nodes.length + rects.groups.length > 0 ? cover(itemBounds, view) : view;
  const scale = Math.min(WIDTH / bounds.width, HEIGHT / bounds.height);
  const ox = (WIDTH - bounds.width * scale) / 2 - bounds.x * scale;
  const oy = (HEIGHT - bounds.height * scale) / 2 - bounds.y * scale;

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    ctx.strokeStyle = '#6b7080';
    for (const g of rects.groups)
      ctx.strokeRect(ox + g.x * scale, oy + g.y * scale, g.width * scale, g.height * scale);
    ctx.fillStyle = '#555b66';
    for (const n of rects.nodes)
      ctx.fillRect(
        ox + n.x * scale,
        oy + n.y * scale,
        Math.max(1, n.width * scale),
        Math.max(1, n.height * scale),
      );
  }, [rects, scale, ox, oy]);

  /** Moves the view so that its centre is under the pointer. */
  const centreAt = (e: PointerEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const x = (e.clientX - box.left - ox) / scale;
    const y = (e.clientY - box.top - oy) / scale;
    void flow.setCenter(x, y, { zoom: flow.getZoom() });
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    centreAt(e);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (e.currentTarget.hasPointerCapture(e.pointerId)) centreAt(e);
  };
  const onWheel = (e: WheelEvent<HTMLDivElement>) => {
    const zoom = flow.getZoom() * (e.deltaY < 0 ? 1.2 : 1 / 1.2);
    void flow.zoomTo(zoom);
  };

  return (
    <Panel position="bottom-right" className="dg-minimap nopan nowheel">
      <div
        className="dg-minimap-surface"
        data-testid="minimap"
        style={{ width: WIDTH, height: HEIGHT }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onWheel={onWheel}
      >
        <canvas ref={canvas} width={WIDTH} height={HEIGHT} />
        <div
          className="dg-minimap-view"
          style={{
            left: ox + view.x * scale,
            top: oy + view.y * scale,
            width: view.width * scale,
            height: view.height * scale,
          }}
        />
      </div>
    </Panel>
  );
}
