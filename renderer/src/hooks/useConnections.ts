// Wiring: validity with reasons, replacing wires into occupied inputs, lighting up compatible
// sockets while dragging, and opening the filtered search when a wire is dropped on empty canvas.
import {
  type Connection,
  type Edge,
  type FinalConnectionState,
  type OnConnectStartParams,
  useReactFlow,
} from '@xyflow/react';
import { useCallback } from 'react';
import { connect } from '../doc/commands.ts';
import { type ConnectionCheck, checkConnection, type WireEnds } from '../doc/connection-rules.ts';
import { wireToNode } from '../doc/drop-on-node.ts';
import { sourceType, targetType } from '../doc/ports.ts';
import { nodeLabel } from '../doc/types.ts';
import { commit, editor, toast } from '../store/editor.ts';

export function wireOf(c: Connection | Edge): WireEnds | null {
  if (!c.sourceHandle || !c.targetHandle) return null;
  return { source: c.source, sourceHandle: c.sourceHandle, target: c.target, targetHandle: c.targetHandle };
}

export function checkWire(c: Connection | Edge): ConnectionCheck {
  const s = editor.get();
  const wire = wireOf(c);
  if (!wire || !s.catalogue) return { ok: false, reason: 'Pick a socket to connect to' };
  return checkConnection(s.doc, s.catalogue.byType, wire);
}

export function connectWire(wire: WireEnds): void {
  commit((d) => connect(d, { from: [wire.source, wire.sourceHandle], to: [wire.target, wire.targetHandle] }));
}

export function useConnections() {
  const flow = useReactFlow();

  const isValidConnection = useCallback((c: Connection | Edge) => checkWire(c).ok, []);

  const onConnect = useCallback((c: Connection) => {
    const check = checkWire(c);
    const wire = wireOf(c);
    if (!check.ok) toast(check.reason, 'error');
    else if (wire) connectWire(wire);
  }, []);

  const onConnectStart = useCallback((_: unknown, p: OnConnectStartParams) => {
    const s = editor.get();
    const node = p.nodeId ? s.doc.nodes[p.nodeId] : undefined;
    if (!node || !p.nodeId || !p.handleId || !p.handleType) return;
    const schema = s.catalogue?.byType.get(node.type);
    const type = p.handleType === 'source' ? sourceType(schema, p.handleId) : targetType(schema, p.handleId);
    editor.set({ connecting: { nodeId: p.nodeId, handle: p.handleId, from: p.handleType, type } });
  }, []);

  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      const connecting = editor.get().connecting;
      editor.set({ connecting: null });
      if (!connecting || state.isValid) return;
      if (state.toHandle) {
        const h = state.toHandle;
        const c =
          connecting.from === 'source'
            ? {
                source: connecting.nodeId,
                sourceHandle: connecting.handle,
                target: h.nodeId,
                targetHandle: h.id ?? null,
              }
            : {
                source: h.nodeId,
                sourceHandle: h.id ?? null,
                target: connecting.nodeId,
                targetHandle: connecting.handle,
              };
        const check = checkWire(c);
        if (!check.ok) toast(check.reason, 'error');
        return;
      }
      const point = 'changedTouches' in event ? event.changedTouches[0] : event;
      // Dropped on a node's body: its first socket that takes the wire.
      const onNode = (document.elementFromPoint(point.clientX, point.clientY) as HTMLElement | null)
        ?.closest('.react-flow__node')
        ?.getAttribute('data-id');
      const s = editor.get();
      if (onNode && s.doc.nodes[onNode]) {
        const wire = s.catalogue ? wireToNode(s.doc, s.catalogue.byType, connecting, onNode) : null;
        if (wire) connectWire(wire);
        else toast(`${nodeLabel(s.doc, onNode)} has no socket that takes this wire`, 'error');
        return;
      }
      if (state.toNode || !connecting.type) return;
      const screen = { x: point.clientX, y: point.clientY };
      editor.set({
        palette: {
          screen,
          flow: flow.screenToFlowPosition(screen),
          filter: { type: connecting.type, needs: connecting.from === 'source' ? 'input' : 'output' },
          wireFrom: { nodeId: connecting.nodeId, handle: connecting.handle, from: connecting.from },
        },
      });
    },
    [flow],
  );

  return { isValidConnection, onConnect, onConnectStart, onConnectEnd };
}
