// The open tabs survive a reload: the background tabs' documents (with their unsaved state and
// viewport) are kept in localStorage beside the session's active document
// (hooks/useDocumentPersistence.ts), and reopened at start-up in the same order.
import { asGraphDoc } from '../doc/types.ts';
import type { FileRef } from './editor.ts';
import { type DocSnapshot, setTabs, snapshotOf, tabsStore, type Viewport } from './tabs.ts';

const TABS_KEY = 'diffgraph.tabs';
const SAVE_DELAY_MS = 500;

interface StoredTab {
  doc: unknown;
  file: FileRef | null;
  dirty: boolean;
  viewport: Viewport | null;
}

/** Background tabs in order; null where the active tab sits. */
type StoredTabs = (StoredTab | null)[];

function storedTabs(): StoredTabs {
  return tabsStore.get().tabs.map((tab) => {
    const s = tab.snapshot;
    if (!s) return null;
    return { doc: s.doc, file: s.file, dirty: s.doc !== s.savedDoc, viewport: tab.viewport };
  });
}

function isFileRef(value: unknown): value is FileRef {
  const f = value as FileRef | null;
  return f === null || (typeof f?.id === 'string' && typeof f?.name === 'string');
}

export function isViewport(value: unknown): value is Viewport | null {
  const v = value as Viewport | null;
  return v === null || [v?.x, v?.y, v?.zoom].every((n) => typeof n === 'number' && Number.isFinite(n));
}

/** A stored tab back as a snapshot; null when it does not hold a valid graph. */
function restoredTab(entry: unknown): { snapshot: DocSnapshot; viewport: Viewport | null } | null {
  const e = entry as Partial<StoredTab> | null;
  const doc = e ? asGraphDoc(e.doc) : null;
  if (!e || !doc || !isFileRef(e.file ?? null) || !isViewport(e.viewport ?? null)) return null;
  return { snapshot: snapshotOf(doc, e.file ?? null, e.dirty === true), viewport: e.viewport ?? null };
}

/** Reopens the stored background tabs around the active document; false when there were none. */
export function restoreTabs(): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(localStorage.getItem(TABS_KEY) ?? 'null');
  } catch {
    return false;
  }
  if (!Array.isArray(parsed)) return false;
  const list: unknown[] = parsed;
  if (list.filter((t) => t === null).length !== 1) return false;
  // An entry that no longer reads as a graph is dropped; the active slot is kept.
  const entries = list
    .map((t) => (t === null ? null : restoredTab(t)))
    .filter((t, i) => t || list[i] === null);
  setTabs(entries);
  return entries.length > 1;
}

/** Saves the tab list whenever it changes (a switch, a new or closed tab). */
export function followTabSession(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const stop = tabsStore.subscribe(() => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      try {
        localStorage.setItem(TABS_KEY, JSON.stringify(storedTabs()));
      } catch {
        // Storage full or disabled: the tabs are simply not kept.
      }
    }, SAVE_DELAY_MS);
  });
  return () => {
    stop();
    if (timer) clearTimeout(timer);
  };
}
