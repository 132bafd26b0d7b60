// Edge lookups shared by validation and planning.
import type { GraphDocument, GraphEdge } from '../../graph/schema.ts';

/** Incoming edges of each node, by the input or widget name they feed. */
export type IncomingEdges = Map<string, Map<string, GraphEdge[]>>;

export function incomingEdges(doc: GraphDocument): IncomingEdges {
  const byNode: IncomingEdges = new Map();
  for (const edge of doc.edges) {
    const [nodeId, input] = edge.to;
    let byInput = byNode.get(nodeId);
    if (!byInput) {
      byInput = new Map();
      byNode.set(nodeId, byInput);
    }
    const list = byInput.get(input);
    if (list) list.push(edge);
    else byInput.set(input, [edge]);
  }
  return byNode;
}

export function describeSource(edge: GraphEdge): string {
  return `node "${edge.from[0]}" output "${edge.from[1]}"`;
}
