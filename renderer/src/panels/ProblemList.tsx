// The status bar's "N problems", opened: every problem validation found, each naming its node and
// field; a click selects the node and centres it.
import { useState } from 'react';
import { editor } from '../store/editor.ts';
import { focusNode } from '../store/focus.ts';
import { nodeName } from '../store/refusal.ts';
import { useSlice } from '../store/store.ts';

export function ProblemCount() {
  const problems = useSlice(editor, (s) => s.problems);
  const doc = useSlice(editor, (s) => s.doc);
  const schemas = useSlice(editor, (s) => s.catalogue?.byType);
  const [open, setOpen] = useState(false);
  const count = doc && Object.keys(doc.nodes).length === 0 ? 0 : problems.length;
  if (count === 0)
    return (
      <span className="dg-status-ok" data-testid="problem-count">
        No problems
      </span>
    );
  return (
    <span className="dg-problem-anchor">
      <button
        type="button"
        className="dg-status-problem dg-problem-toggle"
        data-testid="problem-count"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {`${count} problem${count === 1 ? '' : 's'}`}
      </button>
      {open && (
        <ul className="dg-problem-list" data-testid="problem-list">
          {problems.map((p) => (
            <li key={`${p.nodeId}:${p.field}:${p.message}`}>
              <button
                type="button"
                data-testid="problem-entry"
                disabled={p.nodeId === null}
                onClick={() => p.nodeId && focusNode(p.nodeId)}
              >
                {p.nodeId !== null && <b>{nodeName(doc, schemas, p.nodeId)}</b>}
                {p.field && <span className="dg-muted"> · {p.field}</span>}
                {p.nodeId !== null && ': '}
                {p.message}
              </button>
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}
