// Top bar: file commands, document name with its unsaved marker, Run/Cancel and view toggles.
import { useReactFlow } from '@xyflow/react';
import { editor, isDirty, redo, undo } from '../store/editor.ts';
import { newGraph, save, saveAs, showOpen } from '../store/file-actions.ts';
import { cancelRun, queueRun } from '../store/run-actions.ts';
import { layoutSelection } from '../store/selection.ts';
import { useSlice } from '../store/store.ts';
import { showTemplates } from '../store/templates.ts';

export function Toolbar() {
  const file = useSlice(editor, (s) => s.file);
  const dirty = useSlice(editor, isDirty);
  const running = useSlice(editor, (s) => s.run.queue.length > 0);
  const snap = useSlice(editor, (s) => s.snap);
  const queueCount = useSlice(editor, (s) => s.queueCount);
  const minimap = useSlice(editor, (s) => s.minimap);
  const canUndo = useSlice(editor, (s) => s.history.past.length > 0);
  const canRedo = useSlice(editor, (s) => s.history.future.length > 0);
  const flow = useReactFlow();
  return (
    <header className="dg-toolbar">
      <span className="dg-brand">◆ Diffgraph</span>
      <nav className="dg-file-buttons">
        <button type="button" data-testid="new" onClick={newGraph} title="New graph (Ctrl+Alt+N)">
          New
        </button>
        <button type="button" data-testid="open" onClick={showOpen} title="Open (Ctrl+O)">
          Open
        </button>
        <button
          type="button"
          data-testid="templates"
          onClick={() => void showTemplates()}
          title="Browse the example graphs"
        >
          Templates
        </button>
        <button type="button" data-testid="save" onClick={() => void save()} title="Save (Ctrl+S)">
          Save
        </button>
        <button
          type="button"
          data-testid="save-as"
          onClick={() => void saveAs()}
          title="Save as (Ctrl+Shift+S)"
        >
          Save As
        </button>
      </nav>
      <span className="dg-doc-name" data-testid="doc-name">
        {file?.name ?? 'Untitled'}
        {dirty && (
          <span className="dg-dirty" data-testid="dirty-marker" title="Unsaved changes">
            {' '}
            •
          </span>
        )}
      </span>
      <nav className="dg-edit-buttons">
        <button type="button" data-testid="undo" disabled={!canUndo} onClick={undo} title="Undo (Ctrl+Z)">
          ↶
        </button>
        <button
          type="button"
          data-testid="redo"
          disabled={!canRedo}
          onClick={redo}
          title="Redo (Ctrl+Shift+Z)"
        >
          ↷
        </button>
        <button type="button" onClick={layoutSelection} title="Auto-layout selection (L)">
          Layout
        </button>
        <button
          type="button"
          onClick={() => void flow.fitView({ padding: 0.15, duration: 200 })}
          title="Fit view (F)"
        >
          Fit
        </button>
        <button
          type="button"
          className={snap ? 'dg-on' : ''}
          onClick={() => editor.set({ snap: !snap })}
          title="Snap to grid"
        >
          Snap
        </button>
        <button
          type="button"
          className={minimap ? 'dg-on' : ''}
          onClick={() => editor.set({ minimap: !minimap })}
          title="Minimap"
        >
          Map
        </button>
        <button
          type="button"
          onClick={() => editor.set({ dialog: { kind: 'shortcuts' } })}
          title="Keyboard shortcuts (?)"
        >
          ?
        </button>
      </nav>
      <span className="dg-spacer" />
      {running && (
        <button
          type="button"
          className="dg-cancel"
          data-testid="cancel"
          onClick={() => void cancelRun()}
          title="Cancel the running graph (Ctrl+Shift+X)"
        >
          Cancel
        </button>
      )}
      <button
        type="button"
        className="dg-run"
        data-testid="run"
        onClick={() => void queueRun()}
        title="Run (Ctrl+Enter)"
      >
        ▶ Run{queueCount > 1 ? ` ×${queueCount}` : ''}
      </button>
      <label className="dg-queue-count" title="How many runs Run queues (seeds move on between them)">
        ×
        <input
          type="number"
          min={1}
          max={100}
          value={queueCount}
          data-testid="queue-count"
          onChange={(e) => {
            const n = Math.trunc(Number(e.target.value));
            if (Number.isFinite(n) && n >= 1 && n <= 100) editor.set({ queueCount: n });
          }}
        />
      </label>
    </header>
  );
}
