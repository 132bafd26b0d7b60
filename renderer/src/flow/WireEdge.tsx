// A wire coloured by its socket type. It bends through its reroute points, which can be dragged
// (double-click a wire to add one, double-click a point to remove it).
import { BaseEdge, type EdgeProps } from '@xyflow/react';
import { memo, type PointerEvent } from 'react';
import { moveReroute, removeReroute } from '../doc/decor.ts';
import type { WireData } from '../doc/flow-derive.ts';
import { commit, sealHistory } from '../store/editor.ts';
import { editorSettings } from '../store/editor-settings.ts';
import { useSlice } from '../store/store.ts';
import { useCanvasView } from './canvas-context.ts';
import { wirePath } from './wire-path.ts';

export const WireEdge = memo(function WireEdge(props: EdgeProps) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected } = props;
  const data = props.data as WireData;
  // Zoomed far out, wires are not clickable (see styles/), so they need no wide hit area.
  const { zoomedOut: lowDetail, screenToFlowPosition } = useCanvasView();
  const points = data.points;
  const linkStyle = useSlice(editorSettings, (s) => s.linkStyle);
  const path = wirePath(
    linkStyle,
    { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition },
    points,
  );

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
