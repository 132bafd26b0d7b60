// A wire's SVG path in the chosen link style (settings): spline curves, straight segments, or
// linear right-angle steps. Hidden wires keep their path; CSS stops drawing them.
import { getBezierPath, getSmoothStepPath, getStraightPath, type Position } from '@xyflow/react';
import type { LinkStyle } from '../store/editor-settings.ts';

export interface WireEnds {
  sourceX: number;
  sourceY: number;
  targetX: number;
  targetY: number;
  sourcePosition: Position;
  targetPosition: Position;
}

type Point = [number, number];

/** Curves through every point, leaving and entering each horizontally. */
export function splineThrough(points: Point[]): string {
  let d = `M ${points[0][0]},${points[0][1]}`;
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1];
    const [bx, by] = points[i];
    const dx = Math.max(30, Math.abs(bx - ax) / 2);
    d += ` C ${ax + dx},${ay} ${bx - dx},${by} ${bx},${by}`;
  }
  return d;
}

function straightThrough(points: Point[]): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'} ${x},${y}`).join(' ');
}

/** Horizontal, vertical at the midpoint, horizontal: between each pair of points. */
function stepsThrough(points: Point[]): string {
  let d = `M ${points[0][0]},${points[0][1]}`;
  for (let i = 1; i < points.length; i++) {
    const [ax] = points[i - 1];
    const [bx, by] = points[i];
    const mid = (ax + bx) / 2;
    d += ` H ${mid} V ${by} H ${bx}`;
  }
  return d;
}

export function wirePath(style: LinkStyle, ends: WireEnds, reroutes: readonly Point[]): string {
  if (reroutes.length > 0) {
    const all: Point[] = [[ends.sourceX, ends.sourceY], ...reroutes, [ends.targetX, ends.targetY]];
    if (style === 'straight') return straightThrough(all);
    if (style === 'linear') return stepsThrough(all);
    return splineThrough(all);
  }
  if (style === 'straight') return getStraightPath(ends)[0];
  if (style === 'linear') return getSmoothStepPath({ ...ends, borderRadius: 0 })[0];
  return getBezierPath(ends)[0];
}
