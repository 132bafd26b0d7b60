// Queue, cancel, and follow runs.
import type { HostEvent } from '../../../main/host/shared/api.ts';
import { applySeedControls } from '../doc/commands.ts';
import { host } from '../host/host.ts';
import { commit, editor, setProblems, toast } from './editor.ts';
import { applyHostEvent } from './run-state.ts';

export async function queueRun(): Promise<void> {
  const s = editor.get();
  const doc = s.doc;
  try {
    const title = doc.title || s.file?.name || 'Untitled';
    const { runId } = await host().queue(doc, title);
    editor.set((st) => ({ runDocs: { ...st.runDocs, [runId]: doc } }));
    const schemas = s.catalogue?.byType;
    if (schemas) commit((d) => applySeedControls(d, schemas), 'seed-control');
  } catch (error) {
    toast(`Could not queue the run: ${(error as Error).message}`, 'error');
  }
}

export async function cancelRun(runId?: string): Promise<void> {
  try {
    await host().cancel(runId);
  } catch (error) {
    toast(`Could not cancel: ${(error as Error).message}`, 'error');
  }
}

const FLUSH_MS = 33;

/**
 * Applies host events in batches, at most ~30 times a second: a sampler may report thousands of
 * steps a second, and one render per event would starve the page.
 */
export function followHostEvents(): () => void {
  const h = host();
  let pending: HostEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    const events = pending;
    pending = [];
    editor.set((s) => ({
      run: events.reduce((view, e) => applyHostEvent(view, e, (p) => h.fileUrl(p)), s.run),
    }));
    for (const e of events) {
      if (e.type !== 'run-failed') continue;
      // A run refused by validation: show its problems on the nodes, as live validation does.
      if (e.problems?.length) setProblems(e.problems);
      if (e.nodeId === null) toast(e.message, 'error');
    }
  };
  const stop = h.onEvent((event: HostEvent) => {
    pending.push(event);
    timer ??= setTimeout(flush, FLUSH_MS);
  });
  return () => {
    stop();
    if (timer) clearTimeout(timer);
  };
}
