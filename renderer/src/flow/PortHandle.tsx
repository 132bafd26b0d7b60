// A socket: a React Flow handle coloured by its type, lit up while a compatible wire is dragged.
import { Handle, Position } from '@xyflow/react';
import type { Port } from '../doc/ports.ts';
import { editor } from '../store/editor.ts';
import { useSlice } from '../store/store.ts';

export function PortHandle({ nodeId, port, side }: { nodeId: string; port: Port; side: 'in' | 'out' }) {
  const color =
    useSlice(editor, (s) => (port.type ? s.catalogue?.socketTypes[port.type]?.color : undefined)) ?? '#777';
  const hint = useSlice(editor, (s) => {
    const c = s.connecting;
    if (!c) return '';
    const wanted = side === 'in' ? 'source' : 'target';
    if (c.from !== wanted || c.nodeId === nodeId)
      return c.nodeId === nodeId && c.handle === port.name ? '' : 'dg-dim';
    return c.type !== null && c.type === port.type ? 'dg-lit' : 'dg-dim';
  });
  return (
    <Handle
      type={side === 'in' ? 'target' : 'source'}
      position={side === 'in' ? Position.Left : Position.Right}
      id={port.name}
      className={`dg-handle ${hint}`}
      style={{ background: color, borderColor: color }}
      data-testid={`handle-${nodeId}-${side}-${port.name}`}
      title={port.type ? `${port.name}: ${port.type}` : port.name}
    />
  );
}
