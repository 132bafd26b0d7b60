// A run belongs to the tab where Run was pressed, even when the user switches tabs while it is
// being validated and queued: its document, its node states and its seed changes stay that tab's.
import type { GraphDoc } from '../doc/types.ts';
import { commitQuietly, editor } from './editor.ts';
import { tabsStore } from './tabs.ts';

/** The document tab `tabId` holds now (the editor's for the active tab); null once it was closed. */
export function docOfTab(tabId: number): GraphDoc | null {
  const { tabs, active } = tabsStore.get();
  if (tabId === active) return editor.get().doc;
  return tabs.find((t) => t.id === tabId)?.snapshot?.doc ?? null;
}

/**
 * Records run `runId` as tab `tabId`'s. A tab in the background keeps it in its run list, and the
 * tab being shown treats it as foreign, so its events never paint the wrong document's nodes.
 */
export function claimRun(tabId: number, runId: string): void {
  tabsStore.set((t) => ({
    tabs: t.tabs.map((tab) => (tab.id === tabId ? { ...tab, runs: [...tab.runs, runId].slice(-200) } : tab)),
  }));
  if (tabsStore.get().active !== tabId)
    editor.set((s) => ({ run: { ...s.run, foreign: [...s.run.foreign, runId].slice(-500) } }));
}

/** An edit the app makes on its own (seeds after a run) in tab `tabId`, shown or not; no undo step. */
export function commitQuietlyInTab(tabId: number, change: (doc: GraphDoc) => GraphDoc): void {
  if (tabsStore.get().active === tabId) {
    commitQuietly(change);
    return;
  }
  tabsStore.set((t) => ({
    tabs: t.tabs.map((tab) => {
      const snap = tab.snapshot;
      if (tab.id !== tabId || !snap) return tab;
      const doc = change(snap.doc);
      const savedDoc = snap.doc === snap.savedDoc ? doc : snap.savedDoc;
      return { ...tab, snapshot: { ...snap, doc, savedDoc } };
    }),
  }));
}
