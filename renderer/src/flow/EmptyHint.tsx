// An empty canvas says what to do next, instead of the "no output node" error an empty graph has.
import { editor } from '../store/editor.ts';
import { useSlice } from '../store/store.ts';

export function isEmptyDoc(s: { doc: { nodes: Record<string, unknown> } }): boolean {
  return Object.keys(s.doc.nodes).length === 0;
}

export function EmptyHint() {
  const empty = useSlice(editor, isEmptyDoc);
  if (!empty) return null;
  return (
    <div className="dg-empty-hint" data-testid="empty-hint">
      <p>Double-click the canvas to add a node</p>
      <p className="dg-muted">
        or open a template (Open, Ctrl+O), or drop a graph file or a PNG made by Diffgraph
      </p>
    </div>
  );
}
