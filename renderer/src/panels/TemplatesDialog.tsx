// The templates browser: the shipped example graphs as cards with a thumbnail of what each one
// makes (rendered by running it), its title and description. A click opens the template.
import { useEffect } from 'react';
import { editor } from '../store/editor.ts';
import { openGraph } from '../store/file-actions.ts';
import { useSlice } from '../store/store.ts';
import { closeTemplates, templates } from '../store/templates.ts';

function useEscapeCloses(open: boolean): void {
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') closeTemplates();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
}

export function TemplatesDialog() {
  const open = useSlice(templates, (s) => s.open);
  const thumbnails = useSlice(templates, (s) => s.thumbnails);
  const graphs = useSlice(editor, (s) => s.graphs);
  useEscapeCloses(open);
  if (!open) return null;
  const list = graphs.filter((g) => g.source === 'template');
  return (
    <div className="dg-modal-backdrop" onPointerDown={closeTemplates}>
      <div
        className="dg-modal dg-templates"
        role="dialog"
        aria-label="Templates"
        data-testid="templates-dialog"
        onPointerDown={(e) => e.stopPropagation()}
      >
        <h2>Templates</h2>
        <ul className="dg-template-grid">
          {list.map((g) => (
            <li key={g.id}>
              <button
                type="button"
                data-testid={`template-${g.id}`}
                title={g.description}
                onClick={() => {
                  closeTemplates();
                  openGraph(g.id, g.name);
                }}
              >
                {thumbnails[g.id] ? (
                  <img
                    className="dg-template-img"
                    src={thumbnails[g.id]}
                    alt={`what ${g.title ?? g.name} makes`}
                    data-testid="template-thumb"
                  />
                ) : (
                  <span className="dg-template-nothumb">no preview</span>
                )}
                <strong>{g.title ?? g.name}</strong>
                {g.description && <span className="dg-muted">{g.description}</span>}
              </button>
            </li>
          ))}
        </ul>
        <div className="dg-modal-buttons">
          <button type="button" onClick={closeTemplates}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
