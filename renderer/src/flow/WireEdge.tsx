// A wire coloured by its socket type. It bends through its reroute points, which can be dragged
// (double-click a wire to add one, double-click a point to remove it).
import { BaseEdge, type EdgeProps, getBezierPath } from '@xyflow/react';
import { memo, type PointerEvent } from 'react';
import { moveReroute, removeReroute } from '../doc/decor.ts';
import { commit, sealHistory } from '../store/editor.ts';
import { useCanvasView } from './canvas-context.ts';
import type { WireData } from './derive.ts';

export function pathThrough(points: [number, number][]): string {
  let d = `M ${points[0][0]},${points[0][1]}`;
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1];
    const [bx, by] = points[i];
    const dx = Math.max(30, Math.abs(bx - ax) / 2);
    d += ` C ${ax + dx},${ay} ${bx - dx},${by} ${bx},${by}`;
  }
  return d;
}

export const WireEdge = memo(function WireEdge(props: EdgeProps) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected } = props;
  const data = props.data as WireData;
  // Zoomed far out, wires are not clickable (see styles/), so they need no wide hit area.
  const { zoomedOut: lowDetail, screenToFlowPosition } = useCanvasView();
  const points = data.points;
  const path =
    points.length === 0
      ? getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition })[0]
      : pathThrough([[sourceX, sourceY], ...points, [targetX, targetY]]);

  const drag = (at: number) => (e: PointerEvent<SVGCircleElement>) => {
    e.stopPropagation();
    const el = e.currentTarget;
    el.setPointerCapture(e.pointerId);
    const move = (ev: globalThis.PointerEvent) => {
      const p = screenToFlowPosition({ x: ev.clientX, y: ev.clientY });
      commit((d) => moveReroute(d, data.index, at, [p.x, p.y]), `reroute:${id}:${at}`);
    };
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      sealHistory();
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
  };

  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        interactionWidth={lowDetail ? 0 : 14}
        style={{ stroke: data.color, strokeWidth: selected ? 3.5 : 2.2, opacity: selected ? 1 : 0.85 }}
      />
      {points.map((p, i) => (
        // biome-ignore lint/a11y/noStaticElementInteractions: an SVG handle on the canvas, moved by dragging
        <circle
          // biome-ignore lint/suspicious/noArrayIndexKey: reroute points are identified by their order on the wire
          key={i}
          className="dg-reroute nodrag nopan"
          aria-label="Reroute point (drag to move, double-click to remove)"
          data-testid={`reroute-${id}-${i}`}
          cx={p[0]}
          cy={p[1]}
          r={6}
          fill={data.color}
          onPointerDown={drag(i)}
          onDoubleClick={(e) => {
            e.stopPropagation();
            commit((d) => removeReroute(d, data.index, i));
          }}
        />
      ))}
    </>
  );
});
