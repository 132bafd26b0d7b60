// Right panel: the run queue (cancel any item), the gallery of this session's images, and the
// history of every run in the output folder.

import { editor } from '../store/editor.ts';
import { type LightboxImage, openLightbox, seedCaption } from '../store/lightbox.ts';
import { cancelRun } from '../store/run-actions.ts';
import type { GalleryItem } from '../store/run-state.ts';
import { useSlice } from '../store/store.ts';
import { HistoryPanel } from './HistoryPanel.tsx';
import { RefusedRuns } from './RefusedRuns.tsx';

export function SidePanel() {
  const panel = useSlice(editor, (s) => s.sidePanel);
  const queue = useSlice(editor, (s) => s.run.queue);
  const gallery = useSlice(editor, (s) => s.run.gallery);
  return (
    <aside className={`dg-side ${panel ? '' : 'dg-side-closed'}`}>
      <div className="dg-tabs">
        <button
          type="button"
          className={panel === 'queue' ? 'dg-on' : ''}
          data-testid="tab-queue"
          onClick={() => editor.set({ sidePanel: panel === 'queue' ? null : 'queue' })}
        >
          Queue {queue.length > 0 && <span className="dg-count">{queue.length}</span>}
        </button>
        <button
          type="button"
          className={panel === 'gallery' ? 'dg-on' : ''}
          data-testid="tab-gallery"
          onClick={() => editor.set({ sidePanel: panel === 'gallery' ? null : 'gallery' })}
        >
          Gallery {gallery.length > 0 && <span className="dg-count">{gallery.length}</span>}
        </button>
        <button
          type="button"
          className={panel === 'history' ? 'dg-on' : ''}
          data-testid="tab-history"
          onClick={() => editor.set({ sidePanel: panel === 'history' ? null : 'history' })}
        >
          History
        </button>
      </div>
      {panel === 'queue' && <Queue />}
      {panel === 'gallery' && <Gallery items={gallery} />}
      {panel === 'history' && <HistoryPanel />}
    </aside>
  );
}

function Queue() {
  const queue = useSlice(editor, (s) => s.run.queue);
  const status = useSlice(editor, (s) => s.run.status);
  return (
    <div className="dg-queue" data-testid="queue">
      <RefusedRuns />
      {queue.length === 0 && <p className="dg-muted">Nothing queued. Press Run (Ctrl+Enter).</p>}
      {queue.map((item) => (
        <div key={item.runId} className={`dg-queue-item dg-${item.state}`} data-testid="queue-item">
          <span className="dg-queue-title">{item.title}</span>
          <span className="dg-queue-state">
            {item.worker ? `${item.state} on ${item.worker}` : item.state}
          </span>
          <button
            type="button"
            data-testid={`cancel-${item.runId}`}
            onClick={() => void cancelRun(item.runId)}
            title="Cancel this run"
          >
            ✕
          </button>
        </div>
      ))}
      {status.kind !== 'idle' && (
        <p className={`dg-run-status dg-status-${status.kind}`} data-testid="run-status">
          {status.message}
        </p>
      )}
    </div>
  );
}

function Gallery({ items }: { items: GalleryItem[] }) {
  const shots: LightboxImage[] = items.map((item) => ({
    url: item.url,
    caption: seedCaption(item.seed) || item.nodeId,
    runId: item.runId,
    from: 'live',
  }));
  return (
    <div className="dg-gallery" data-testid="gallery">
      {items.length === 0 && <p className="dg-muted">Images from runs appear here.</p>}
      {items.map((item, i) => (
        <figure key={`${item.runId}:${item.url}`} className="dg-gallery-item">
          <button
            type="button"
            title="View larger (the viewer can load the graph that made it)"
            onClick={() => openLightbox(shots, i)}
            data-testid="gallery-item"
          >
            <img src={item.url} alt={`output of ${item.nodeId}`} loading="lazy" />
          </button>
          <figcaption>
            {item.seed !== undefined ? `seed ${item.seed}` : item.nodeId} ·{' '}
            <a href={item.url} target="_blank" rel="noreferrer">
              open
            </a>
          </figcaption>
        </figure>
      ))}
    </div>
  );
}
