// The history tab: every run recorded in the output folder (so it outlives a reload), newest
// first, with thumbnails, prompt, seed, sampler, time and status. A thumbnail opens the lightbox;
// re-run, load graph and delete are buttons of their own (delete asks once more).
import { useEffect, useState } from 'react';
import type { HistoryRun } from '../../../main/host/shared/api.ts';
import { host } from '../host/host.ts';
import { editor } from '../store/editor.ts';
import { openLightbox } from '../store/lightbox.ts';
import {
  deleteHistoryRun,
  followHistory,
  historyImages,
  loadHistoryGraph,
  pastRuns,
  refreshHistory,
  rerunHistoryRun,
} from '../store/past-runs.ts';
import { formatMs } from '../store/run-state.ts';
import { useSlice } from '../store/store.ts';

const THUMBNAILS_SHOWN = 4;

function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString();
}

function Thumbnails({ run }: { run: HistoryRun }) {
  if (run.images.length === 0) return null;
  const shown = run.images.slice(0, THUMBNAILS_SHOWN);
  return (
    <div className="dg-history-thumbs">
      {shown.map((image, i) => (
        <button
          key={image.path}
          type="button"
          onClick={() => openLightbox(historyImages(run), i)}
          title={image.seed === undefined ? 'View larger' : `seed ${image.seed}: view larger`}
          data-testid="history-thumb"
        >
          <img
            className="dg-history-thumb-img"
            src={host().fileUrl(image.path)}
            alt={image.seed === undefined ? `output ${i + 1}` : `seed ${image.seed}`}
            loading="lazy"
          />
        </button>
      ))}
      {run.images.length > THUMBNAILS_SHOWN && (
        <span className="dg-history-more">+{run.images.length - THUMBNAILS_SHOWN}</span>
      )}
    </div>
  );
}

function HistoryEntry({ run }: { run: HistoryRun }) {
  const [confirming, setConfirming] = useState(false);
  const facts = [
    run.seed !== undefined ? `seed ${run.seed}` : null,
    run.sampler ?? null,
    formatMs(run.totalMs),
    when(run.finishedAt),
  ].filter(Boolean);
  return (
    <article
      className={`dg-history-run dg-status-${run.status}`}
      data-testid="history-run"
      data-run={run.runId}
    >
      <Thumbnails run={run} />
      <p className="dg-history-prompt" data-testid="history-prompt" title={run.prompt}>
        {run.prompt || <span className="dg-muted">(no prompt)</span>}
      </p>
      <p className="dg-history-facts" data-testid="history-facts">
        <span className={`dg-history-status dg-history-${run.status}`} data-testid="history-status">
          {run.status}
        </span>{' '}
        {facts.join(' · ')}
      </p>
      {run.error && <p className="dg-error">{run.error}</p>}
      <div className="dg-history-actions">
        <button type="button" onClick={() => void rerunHistoryRun(run)} data-testid="history-rerun">
          Re-run
        </button>
        <button type="button" onClick={() => void loadHistoryGraph(run.runId)} data-testid="history-load">
          Load graph
        </button>
        {confirming ? (
          <button
            type="button"
            className="dg-danger"
            onClick={() => void deleteHistoryRun(run.runId)}
            data-testid="history-delete-confirm"
          >
            Delete files?
          </button>
        ) : (
          <button type="button" onClick={() => setConfirming(true)} data-testid="history-delete">
            Delete
          </button>
        )}
      </div>
    </article>
  );
}

export function HistoryPanel() {
  const { runs, error, loading } = useSlice(pastRuns, (s) => s);
  return (
    <div className="dg-history" data-testid="history">
      <div className="dg-history-head">
        <span className="dg-muted">
          {runs.length} {runs.length === 1 ? 'run' : 'runs'} in the output folder
        </span>
        <button type="button" onClick={() => void refreshHistory()} disabled={loading} title="Read it again">
          ↻
        </button>
      </div>
      {error && (
        <p className="dg-error" data-testid="history-error">
          {error}
        </p>
      )}
      {!error && runs.length === 0 && (
        <p className="dg-muted">Finished runs appear here, and stay after a reload.</p>
      )}
      {runs.map((run) => (
        <HistoryEntry key={run.runId} run={run} />
      ))}
    </div>
  );
}

/** Keeps the history current from the start (and after a reconnect, which may have missed events). */
export function HistoryFeed() {
  const hostState = useSlice(editor, (s) => s.hostState);
  useEffect(() => (hostState === 'connected' ? followHistory() : undefined), [hostState]);
  return null;
}
