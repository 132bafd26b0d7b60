// React Flow's nodes and edges, derived from the document and selection in the store.
import type { Edge, Node } from '@xyflow/react';
import { useMemo, useRef } from 'react';
import { EdgeDeriver, FlowDeriver } from '../doc/flow-derive.ts';
import { draggedPositions } from '../store/drag-positions.ts';
import { editor } from '../store/editor.ts';
import { useSlice } from '../store/store.ts';
import { withPositions } from './useFlowChanges.ts';

const NO_COLORS = {};

export function useFlowModel(): { nodes: Node[]; edges: Edge[] } {
  const doc = useSlice(editor, (s) => s.doc);
  const schemas = useSlice(editor, (s) => s.catalogue?.byType ?? null);
  const colors = useSlice(editor, (s) => s.catalogue?.socketTypes ?? NO_COLORS);
  const selected = useSlice(editor, (s) => s.selected);
  const selectedEdges = useSlice(editor, (s) => s.selectedEdges);
  const measured = useSlice(editor, (s) => s.measured);
  const deriver = useRef(new FlowDeriver());
  const edgeDeriver = useRef(new EdgeDeriver());
  const docNodes = useMemo(
    () => deriver.current.nodes(doc, schemas, selected, measured),
    [doc, schemas, selected, measured],
  );
  // Mid-drag (drag steps go to React Flow's store directly, see useFlowChanges), a document
  // update must not put the dragged nodes back where they were: read where they are now.
  const nodes = useMemo(() => withPositions(docNodes, draggedPositions()), [docNodes]);
  const edges = useMemo(
    () => edgeDeriver.current.edges(doc, schemas, colors, selectedEdges),
    [doc, schemas, colors, selectedEdges],
  );
  return { nodes, edges };
}
