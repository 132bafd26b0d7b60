// A wire dropped on a node's body (not on a socket) connects to the node's first socket that
// takes it, as in ComfyUI: a free input before one already wired.
import { checkConnection, type WireEnds } from './connection-rules.ts';
import { inputPorts, outputPorts } from './ports.ts';
import type { GraphDoc, SchemaMap } from './types.ts';

export interface DraggedEnd {
  nodeId: string;
  handle: string;
  /** The end the drag started from: `source` drags an output towards inputs. */
  from: 'source' | 'target';
}

export function wireToNode(
  doc: GraphDoc,
  schemas: SchemaMap,
  dragged: DraggedEnd,
  nodeId: string,
): WireEnds | null {
  const node = doc.nodes[nodeId];
  if (!node || nodeId === dragged.nodeId) return null;
  const schema = schemas.get(node.type);
  if (dragged.from === 'source') {
    const wired = new Set(doc.edges.filter((e) => e.to[0] === nodeId).map((e) => e.to[1]));
    const ports = inputPorts(node, schema, doc, nodeId);
    const ordered = [...ports.filter((p) => !wired.has(p.name)), ...ports.filter((p) => wired.has(p.name))];
    for (const port of ordered) {
      const wire = {
        source: dragged.nodeId,
        sourceHandle: dragged.handle,
        target: nodeId,
        targetHandle: port.name,
      };
      if (checkConnection(doc, schemas, wire).ok) return wire;
    }
    return null;
  }
  for (const port of outputPorts(schema, doc, nodeId)) {
    const wire = {
      source: nodeId,
      sourceHandle: port.name,
      target: dragged.nodeId,
      targetHandle: dragged.handle,
    };
    if (checkConnection(doc, schemas, wire).ok) return wire;
  }
  return null;
}
