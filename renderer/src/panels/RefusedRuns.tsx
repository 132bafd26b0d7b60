// Runs validation refused, in the queue panel: each problem names its node; a click shows the node.
import { editor } from '../store/editor.ts';
import { focusNode } from '../store/focus.ts';
import { nodeName } from '../store/refusal.ts';
import { dismissRefused } from '../store/run-state.ts';
import { useSlice } from '../store/store.ts';

export function RefusedRuns() {
  const refused = useSlice(editor, (s) => s.run.refused);
  const doc = useSlice(editor, (s) => s.doc);
  const schemas = useSlice(editor, (s) => s.catalogue?.byType);
  return refused.map((entry) => (
    <div key={entry.id} className="dg-queue-item dg-refused" data-testid="refused-run">
      <div className="dg-refused-head">
        <span className="dg-queue-title">
          Run refused: {entry.problems.length} problem{entry.problems.length === 1 ? '' : 's'}
        </span>
        <button
          type="button"
          title="Dismiss"
          onClick={() => editor.set((s) => ({ run: dismissRefused(s.run, entry.id) }))}
        >
          ✕
        </button>
      </div>
      <ul>
        {entry.problems.map((p) => (
          <li key={`${p.nodeId}:${p.field}:${p.message}`}>
            {p.nodeId === null ? (
              p.message
            ) : (
              <button
                type="button"
                className="dg-link"
                data-testid="refused-problem"
                title="Select and show this node"
                onClick={() => p.nodeId && focusNode(p.nodeId)}
              >
                <b>{nodeName(doc, schemas, p.nodeId)}</b>: {p.message}
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  ));
}
