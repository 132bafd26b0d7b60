// A socket: a React Flow handle coloured by its type, lit up while a compatible wire is dragged.
// What it draws from comes down from its node as props: a store subscription per handle (two
// each, 2,400 on a 500-node graph) was run on every edit, including each step of a node drag.
import { Handle, Position } from '@xyflow/react';
import { useMemo } from 'react';
import type { Port } from '../doc/ports.ts';
import { type Connecting, editor } from '../store/editor.ts';
import { useSlice } from '../store/store.ts';
import { useCanvasView } from './canvas-context.ts';

/** What every handle of a node draws from, passed down from the node. */
export interface HandleEnv {
  /** Real React Flow handles, or static look-alikes (see LiteHandle). */
  live: boolean;
  connecting: Connecting | null;
  colors: Record<string, { color: string }>;
  /** React Flow's id for this canvas, part of each handle's data-id. */
  rfId: string;
}

const NO_COLORS = {};

/** The handle environment for a node that does not already read these (placeholders). */
export function useHandleEnv(): HandleEnv {
  const connecting = useSlice(editor, (s) => s.connecting);
  const colors = useSlice(editor, (s) => s.catalogue?.socketTypes ?? NO_COLORS);
  const { rfId } = useCanvasView();
  return useMemo(() => ({ live: true, connecting, colors, rfId }), [connecting, colors, rfId]);
}

/** 'dg-lit' on a compatible socket while a wire is dragged, 'dg-dim' on the others. */
function hintClass(nodeId: string, port: Port, side: 'in' | 'out', c: Connecting | null): string {
  if (!c) return '';
  const wanted = side === 'in' ? 'source' : 'target';
  if (c.from !== wanted || c.nodeId === nodeId)
    return c.nodeId === nodeId && c.handle === port.name ? '' : 'dg-dim';
  return c.type !== null && c.type === port.type ? 'dg-lit' : 'dg-dim';
}

interface PortHandleProps {
  nodeId: string;
  port: Port;
  side: 'in' | 'out';
  env: HandleEnv;
}

export function PortHandle({ nodeId, port, side, env }: PortHandleProps) {
  const color = (port.type ? env.colors[port.type]?.color : undefined) ?? '#777';
  const type = side === 'in' ? 'target' : 'source';
  const position = side === 'in' ? Position.Left : Position.Right;
  const common = {
    className: `dg-handle ${hintClass(nodeId, port, side, env.connecting)}`,
    style: { background: color, borderColor: color },
    'data-testid': `handle-${nodeId}-${side}-${port.name}`,
    title: port.type ? `${port.name}: ${port.type}` : port.name,
  };
  if (env.live) return <Handle type={type} position={position} id={port.name} {...common} />;
  return (
    <div
      {...common}
      className={`react-flow__handle react-flow__handle-${position} nodrag nopan ${type} connectable connectablestart connectableend connectionindicator ${common.className}`}
      data-handleid={port.name}
      data-nodeid={nodeId}
      data-handlepos={position}
      data-id={`${env.rfId}-${nodeId}-${port.name}-${type}`}
    />
  );
}
