// React Flow's nodes and edges, derived from the document and selection in the store.
import type { Edge, Node } from '@xyflow/react';
import { useMemo, useRef } from 'react';
import type { Vec2 } from '../doc/types.ts';
import { EdgeDeriver, FlowDeriver } from '../flow/derive.ts';
import { dragPositions } from '../store/drag-positions.ts';
import { editor } from '../store/editor.ts';
import { useSlice } from '../store/store.ts';

const NO_COLORS = {};

/** The document's nodes with the dragged ones where the drag has them (the rest are the same objects). */
function withDragPositions(nodes: Node[], moving: ReadonlyMap<string, Vec2>): Node[] {
  if (moving.size === 0) return nodes;
  return nodes.map((n) => {
    const p = moving.get(n.id);
    return p ? { ...n, position: { x: p[0], y: p[1] } } : n;
  });
}

export function useFlowModel(): { nodes: Node[]; edges: Edge[] } {
  const doc = useSlice(editor, (s) => s.doc);
  const schemas = useSlice(editor, (s) => s.catalogue?.byType ?? null);
  const colors = useSlice(editor, (s) => s.catalogue?.socketTypes ?? NO_COLORS);
  const selected = useSlice(editor, (s) => s.selected);
  const selectedEdges = useSlice(editor, (s) => s.selectedEdges);
  const measured = useSlice(editor, (s) => s.measured);
  const moving = useSlice(dragPositions, (s) => s.moving);
  const deriver = useRef(new FlowDeriver());
  const edgeDeriver = useRef(new EdgeDeriver());
  const docNodes = useMemo(
    () => deriver.current.nodes(doc, schemas, selected, measured),
    [doc, schemas, selected, measured],
  );
  const nodes = useMemo(() => withDragPositions(docNodes, moving), [docNodes, moving]);
  const edges = useMemo(
    () => edgeDeriver.current.edges(doc, schemas, colors, selectedEdges),
    [doc, schemas, colors, selectedEdges],
  );
  return { nodes, edges };
}
