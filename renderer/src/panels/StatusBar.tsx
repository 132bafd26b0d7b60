// Bottom bar: problems with the whole graph, counts, and transient messages (toasts).
import type { GraphProblem } from '../../../main/engine/events.ts';
import { isEmptyDoc } from '../flow/EmptyHint.tsx';
import { editor } from '../store/editor.ts';
import { useSlice } from '../store/store.ts';
import { LoadedModels } from './LoadedModels.tsx';
import { ProblemCount } from './ProblemList.tsx';

const NONE: GraphProblem[] = [];

export function StatusBar() {
  // An empty graph's "no output node" is not an error yet: the canvas shows a hint instead.
  const graphProblems = useSlice(editor, (s) => (isEmptyDoc(s) ? NONE : (s.problemsByNode[''] ?? NONE)));
  const nodes = useSlice(editor, (s) => Object.keys(s.doc.nodes).length);
  const host = useSlice(editor, (s) => s.hostState);
  return (
    <footer className="dg-status">
      <span>{nodes} nodes</span>
      <ProblemCount />
      {host === 'connected' && <LoadedModels />}
      {graphProblems.map((p) => (
        <span key={p.message} className="dg-status-problem" data-testid="graph-problem">
          {p.message}
        </span>
      ))}
      {host !== 'connected' && (
        <span className="dg-status-problem">
          {host === 'connecting' ? 'Connecting to the engine…' : 'Engine not reachable'}
        </span>
      )}
    </footer>
  );
}

export function Toasts() {
  const toasts = useSlice(editor, (s) => s.toasts);
  return (
    <div className="dg-toasts">
      {toasts.map((t) => (
        <div key={t.id} className={`dg-toast dg-toast-${t.kind}`} data-testid={`toast-${t.kind}`}>
          {t.message}
        </div>
      ))}
    </div>
  );
}
