// Workflow tabs: several documents open at once. The editor store always holds the ACTIVE tab's
// document (so everything else in the editor is unchanged); the other tabs keep theirs here, with
// their own undo history, unsaved state, viewport and run state. Runs queued from a tab stay its
// runs: their events keep updating that tab's node states while another tab is shown.
import type { HostEvent } from '../../../main/host/shared/api.ts';
import { emptyHistory } from '../doc/history.ts';
import { emptyDoc, type GraphDoc } from '../doc/types.ts';
import { host } from '../host/host.ts';
import { type EditorState, editor, type FileRef, isDirty } from './editor.ts';
import { applyHostEvent, forgetDocumentRuns, type RunView } from './run-state.ts';
import { createStore } from './store.ts';

/** The fields of the editor store that belong to one document. */
const DOC_FIELDS = [
  'doc',
  'history',
  'savedDoc',
  'file',
  'selected',
  'selectedEdges',
  'measured',
  'problems',
  'problemsByNode',
] as const;
export type DocSnapshot = Pick<EditorState, (typeof DOC_FIELDS)[number]>;

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export interface DocTab {
  id: number;
  /** The document of a background tab; null for the active tab (its document is in the editor store). */
  snapshot: DocSnapshot | null;
  /** A background tab's run view (node states of its latest run, its refused runs, its status line). */
  run: RunView | null;
  viewport: Viewport | null;
  /** Runs queued from this tab's current document. */
  runs: readonly string[];
}

export interface TabsState {
  tabs: DocTab[];
  active: number;
}

let nextId = 1;
export const tabsStore = createStore<TabsState>({
  tabs: [{ id: 0, snapshot: null, run: null, viewport: null, runs: [] }],
  active: 0,
});

export function tabTitle(file: EditorState['file'], doc: EditorState['doc']): string {
  return file?.name ?? (doc.title || 'Untitled');
}

/** Title and unsaved marker of any tab (the active one reads the editor store). */
export function tabSummary(tab: Pick<DocTab, 'snapshot'>, s: EditorState): { title: string; dirty: boolean } {
  const d = tab.snapshot ?? s;
  return { title: tabTitle(d.file, d.doc), dirty: d.doc !== d.savedDoc };
}

function snapshotActive(): DocSnapshot {
  const s = editor.get();
  return Object.fromEntries(DOC_FIELDS.map((k) => [k, s[k]])) as DocSnapshot;
}

/** A document as a background tab holds it; `dirty` keeps its unsaved marker (a copy as the saved one). */
export function snapshotOf(doc: GraphDoc, file: FileRef | null, dirty = false): DocSnapshot {
  return {
    doc,
    savedDoc: dirty ? { ...doc } : doc,
    history: emptyHistory(),
    file,
    selected: new Set(),
    selectedEdges: new Set(),
    measured: new Map(),
    problems: [],
    problemsByNode: {},
  };
}

function freshSnapshot(): DocSnapshot {
  return snapshotOf(emptyDoc(), null);
}

/** Replaces the tab list (a restored session): `null` marks the active tab, whose document is the editor's. */
export function setTabs(
  entries: readonly ({ snapshot: DocSnapshot; viewport: Viewport | null } | null)[],
): void {
  const tabs = entries.map((e) => ({
    id: nextId++,
    snapshot: e?.snapshot ?? null,
    run: null,
    viewport: e?.viewport ?? null,
    runs: [],
  }));
  const active = tabs.find((t) => t.snapshot === null);
  if (active) tabsStore.set({ tabs, active: active.id });
}

/**
 * The run view of the tab being shown: its own node states, the shared queue and gallery, and
 * every other tab's runs marked foreign so their events never touch these nodes.
 */
function runViewFor(target: DocTab, others: readonly DocTab[], current: RunView): RunView {
  const own = new Set(target.runs);
  const foreign = new Set([...current.foreign, ...(target.run?.foreign ?? [])]);
  for (const tab of others) for (const id of tab.runs) foreign.add(id);
  if (current.runId) foreign.add(current.runId);
  const base = target.run ?? forgetDocumentRuns(current, []);
  return {
    ...base,
    queue: current.queue,
    gallery: current.gallery,
    foreign: [...foreign].filter((id) => !own.has(id)).slice(-500),
  };
}

/** Puts the active document away and shows tab `id`; `viewport` is where the view was. */
export function switchTab(id: number, viewport: Viewport | null): DocTab | null {
  const { tabs, active } = tabsStore.get();
  const target = tabs.find((t) => t.id === id);
  if (!target || id === active) return null;
  const s = editor.get();
  const leaving = tabs.map((t) =>
    t.id === active ? { ...t, snapshot: snapshotActive(), run: s.run, viewport } : t,
  );
  const others = leaving.filter((t) => t.id !== id);
  editor.set({
    ...(target.snapshot ?? freshSnapshot()),
    run: runViewFor(target, others, s.run),
    palette: null,
    menu: null,
    connecting: null,
    fitPending: false,
    focusRequest: null,
  });
  tabsStore.set({
    tabs: leaving.map((t) => (t.id === id ? { ...t, snapshot: null, run: null } : t)),
    active: id,
  });
  return target;
}

/** Opens a new tab with an empty document and shows it. */
export function newTab(viewport: Viewport | null): DocTab {
  const tab: DocTab = { id: nextId++, snapshot: freshSnapshot(), run: null, viewport: null, runs: [] };
  tabsStore.set((t) => ({ tabs: [...t.tabs, tab] }));
  switchTab(tab.id, viewport);
  return tab;
}

/** Removes a tab (after any question about unsaved changes); the last tab becomes a fresh one. */
export function removeTab(id: number, viewport: Viewport | null): DocTab | null {
  const { tabs, active } = tabsStore.get();
  const at = tabs.findIndex((t) => t.id === id);
  if (at < 0) return null;
  let shown: DocTab | null = null;
  if (tabs.length === 1) shown = newTab(null);
  else if (id === active) shown = switchTab(tabs[at + 1]?.id ?? tabs[at - 1].id, viewport);
  tabsStore.set((t) => ({ tabs: t.tabs.filter((x) => x.id !== id) }));
  return shown;
}

export function isTabDirty(tab: DocTab): boolean {
  return tab.snapshot ? tab.snapshot.doc !== tab.snapshot.savedDoc : isDirty(editor.get());
}

/** Events of background tabs' runs update those tabs' node states (the active tab's are the editor's). */
function applyToBackground(event: HostEvent): void {
  if (!('runId' in event)) return;
  const { tabs, active } = tabsStore.get();
  const owner = tabs.find((t) => t.id !== active && t.runs.includes(event.runId));
  if (!owner?.run) return;
  const run = applyHostEvent(owner.run, event, (p) => host().fileUrl(p));
  // Replaced in place: nothing on screen shows a background tab's node states.
  owner.run = run;
}

/**
 * Follows the editor: a run queued (a new `runDocs` entry) belongs to the active tab; opening
 * another document in a tab (a new `docEpoch`) ends its claim on earlier runs.
 */
export function followTabs(): () => void {
  let { runDocs, docEpoch } = editor.get();
  const stopEditor = editor.subscribe(() => {
    const s = editor.get();
    if (s.runDocs === runDocs && s.docEpoch === docEpoch) return;
    // Runs already claimed by the tab they were queued from (see run-origin.ts) stay with it.
    const claimed = new Set(tabsStore.get().tabs.flatMap((tab) => tab.runs));
    const added = Object.keys(s.runDocs).filter((id) => !(id in runDocs) && !claimed.has(id));
    const reset = s.docEpoch !== docEpoch;
    runDocs = s.runDocs;
    docEpoch = s.docEpoch;
    tabsStore.set((t) => ({
      tabs: t.tabs.map((tab) =>
        tab.id === t.active ? { ...tab, runs: [...(reset ? [] : tab.runs), ...added].slice(-200) } : tab,
      ),
    }));
  });
  const stopHost = host().onEvent(applyToBackground);
  const onUnload = (e: BeforeUnloadEvent) => {
    if (!tabsStore.get().tabs.some((t) => t.snapshot && isTabDirty(t))) return;
    e.preventDefault();
    e.returnValue = '';
  };
  window.addEventListener('beforeunload', onUnload);
  return () => {
    stopEditor();
    stopHost();
    window.removeEventListener('beforeunload', onUnload);
  };
}
