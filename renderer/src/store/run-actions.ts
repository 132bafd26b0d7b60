// Queue, cancel, and follow runs.
import type { HostEvent, QueueOptions } from '../../../main/host/shared/api.ts';
import { applySeedControls } from '../doc/commands.ts';
import type { GraphDoc } from '../doc/types.ts';
import { host } from '../host/host.ts';
import { editor, setProblems, toast } from './editor.ts';
import { describeRefusal } from './refusal.ts';
import { claimRun, commitQuietlyInTab, docOfTab } from './run-origin.ts';
import { applyHostEvent, refuseRun } from './run-state.ts';
import { tabsStore } from './tabs.ts';

let refusedSeq = 0;

/**
 * Validates, then queues the document. A refused run is listed with its problems and leaves the
 * seeds alone; a queued one moves the seeds on ("control after generate"), outside undo. The tab
 * and document are taken when Run is pressed: switching tabs meanwhile changes neither.
 */
export async function queueRun(count = editor.get().queueCount, options: QueueOptions = {}): Promise<void> {
  const s = editor.get();
  const doc = s.doc;
  const tabId = tabsStore.get().active;
  const title = doc.title || s.file?.name || 'Untitled';
  try {
    const problems = await host().validate(doc);
    if (problems.length > 0) {
      if (editor.get().doc === doc) setProblems(problems);
      if (tabsStore.get().active === tabId)
        editor.set((st) => ({ run: refuseRun(st.run, `refused-${++refusedSeq}`, problems, Date.now()) }));
      toast(describeRefusal(problems, doc, s.catalogue?.byType), 'error');
      return;
    }
    // Queue ×N: each run takes the seeds the previous one moved on to.
    let next: GraphDoc | null = doc;
    for (let i = 0; i < Math.max(1, count) && next; i++) {
      await queueOne(next, tabId, title, options);
      next = docOfTab(tabId);
    }
  } catch (error) {
    toast(`Could not queue the run: ${(error as Error).message}`, 'error');
  }
}

async function queueOne(doc: GraphDoc, tabId: number, title: string, options: QueueOptions): Promise<void> {
  const { runId } = await host().queue(doc, title, options.front ? options : undefined);
  claimRun(tabId, runId);
  editor.set((st) => ({ runDocs: { ...st.runDocs, [runId]: doc } }));
  const schemas = editor.get().catalogue?.byType;
  if (schemas) commitQuietlyInTab(tabId, (d) => applySeedControls(d, schemas));
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
      if (e.type !== 'run-failed' || editor.get().run.foreign.includes(e.runId)) continue;
      // A run refused by validation: show its problems on the nodes, as live validation does.
      if (e.problems?.length) {
        setProblems(e.problems);
        toast(describeRefusal(e.problems, editor.get().doc, editor.get().catalogue?.byType), 'error');
      } else if (e.nodeId === null) toast(e.message, 'error');
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
