// The history panel's state and actions: past runs from the output folder's manifest (they
// survive a reload), re-run, delete, and loading a run's graph (always an explicit action).
import type { HistoryRun } from '../../../main/host/shared/api.ts';
import { asGraphDoc } from '../doc/types.ts';
import { host } from '../host/host.ts';
import { editor, replaceDocument, toast } from './editor.ts';
import { confirmDiscard, loadRunGraph } from './file-actions.ts';
import { type LightboxImage, seedCaption } from './lightbox.ts';
import { createStore } from './store.ts';

export interface HistoryState {
  runs: HistoryRun[];
  loading: boolean;
  error: string | null;
}

export const pastRuns = createStore<HistoryState>({ runs: [], loading: false, error: null });

let refreshes = 0;

export async function refreshHistory(): Promise<void> {
  const seq = ++refreshes;
  pastRuns.set({ loading: true });
  try {
    const runs = await host().history();
    // Runs finishing close together start overlapping reads: only the latest one is shown.
    if (seq === refreshes) pastRuns.set({ runs, loading: false, error: null });
  } catch (error) {
    if (seq === refreshes) pastRuns.set({ loading: false, error: (error as Error).message });
  }
}

/** Keeps the list current: the host says when a run was recorded or deleted. */
export function followHistory(): () => void {
  void refreshHistory();
  return host().onEvent((event) => {
    if (event.type === 'history-changed') void refreshHistory();
  });
}

export async function deleteHistoryRun(runId: string): Promise<void> {
  try {
    await host().deleteHistoryRun(runId);
    pastRuns.set((s) => ({ runs: s.runs.filter((run) => run.runId !== runId) }));
  } catch (error) {
    toast(`Could not delete this run: ${(error as Error).message}`, 'error');
  }
}

async function runGraph(runId: string): Promise<unknown> {
  const graph = await host().historyGraph(runId);
  if (!graph) throw new Error('nothing recorded the graph of this run');
  return graph;
}

/** Queues the graph the run ran, as it was (same seeds), without touching the open document. */
export async function rerunHistoryRun(run: HistoryRun): Promise<void> {
  try {
    await host().queue(await runGraph(run.runId), run.title ?? 'Re-run');
  } catch (error) {
    toast(`Could not re-run: ${(error as Error).message}`, 'error');
  }
}

function openDoc(graph: unknown): void {
  const doc = asGraphDoc(graph);
  if (!doc) throw new Error('the recorded graph is not a Diffgraph graph');
  confirmDiscard(() => replaceDocument(doc, null));
}

export async function loadHistoryGraph(runId: string): Promise<void> {
  try {
    openDoc(await runGraph(runId));
  } catch (error) {
    toast(`Could not load the graph of this run: ${(error as Error).message}`, 'error');
  }
}

/** The graph behind an image in the lightbox: its recorded run, else the graph its PNG carries. */
export async function loadImageGraph(image: LightboxImage): Promise<void> {
  if (image.from === 'history' && image.runId) return loadHistoryGraph(image.runId);
  if (image.runId && editor.get().runDocs[image.runId]) return loadRunGraph(image.runId);
  try {
    const bytes = new Uint8Array(await (await fetch(image.url)).arrayBuffer());
    const graph = await host().graphFromPng(bytes);
    if (!graph) throw new Error('the image carries no graph');
    openDoc(graph);
  } catch (error) {
    toast(`Could not load the graph of this image: ${(error as Error).message}`, 'error');
  }
}

/** A history run's images as the lightbox shows them. */
export function historyImages(run: HistoryRun): LightboxImage[] {
  return run.images.map((image) => ({
    url: host().fileUrl(image.path),
    caption: seedCaption(image.seed),
    runId: run.runId,
    from: 'history' as const,
  }));
}
