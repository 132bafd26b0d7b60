// While a wire hovers a socket that refuses it, say why next to the pointer.
import { useConnection, ViewportPortal } from '@xyflow/react';
import { checkWire } from '../hooks/useConnections.ts';

export function ConnectionHint() {
  const c = useConnection();
  if (!c.inProgress || !c.toHandle || c.isValid !== false) return null;
  const from = c.fromHandle;
  const to = c.toHandle;
  const wire =
    from.type === 'source'
      ? { source: from.nodeId, sourceHandle: from.id ?? null, target: to.nodeId, targetHandle: to.id ?? null }
      : {
          source: to.nodeId,
          sourceHandle: to.id ?? null,
          target: from.nodeId,
          targetHandle: from.id ?? null,
        };
  const check = checkWire(wire);
  if (check.ok) return null;
  return (
    <ViewportPortal>
      <div
        className="dg-connection-hint"
        data-testid="connection-hint"
        style={{ transform: `translate(${c.to.x + 14}px, ${c.to.y + 14}px)` }}
      >
        {check.reason}
      </div>
    </ViewportPortal>
  );
}
