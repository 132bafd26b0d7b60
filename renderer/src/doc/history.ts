// Undo history over whole documents (they are immutable, so this is cheap). Rapid edits that share a
// key (typing in one widget, dragging one selection) within a short window merge into one step.

export interface History<T> {
  past: T[];
  future: T[];
  lastKey: string | null;
  lastTime: number;
}

export const GROUP_WINDOW_MS = 1000;
const LIMIT = 200;

export function emptyHistory<T>(): History<T> {
  return { past: [], future: [], lastKey: null, lastTime: 0 };
}

/**
 * Records that the document was `before` prior to an edit. With the same `key` as the previous edit
 * and within the window, the edit joins the previous step (its `before` is already stored).
 */
export function record<T>(h: History<T>, before: T, key: string | null, now: number): History<T> {
  const joins = key !== null && key === h.lastKey && now - h.lastTime <= GROUP_WINDOW_MS && h.past.length > 0;
  if (joins) return { ...h, future: [], lastTime: now };
  const past = [...h.past, before];
  if (past.length > LIMIT) past.shift();
  return { past, future: [], lastKey: key, lastTime: now };
}

/** Ends the current group so the next edit starts a new step (e.g. on drag end or blur). */
export function seal<T>(h: History<T>): History<T> {
  return h.lastKey === null ? h : { ...h, lastKey: null };
}

export function undo<T>(h: History<T>, current: T): { history: History<T>; doc: T } | null {
  if (h.past.length === 0) return null;
  const doc = h.past[h.past.length - 1];
  return {
    history: { past: h.past.slice(0, -1), future: [current, ...h.future], lastKey: null, lastTime: 0 },
    doc,
  };
}

export function redo<T>(h: History<T>, current: T): { history: History<T>; doc: T } | null {
  if (h.future.length === 0) return null;
  const [doc, ...future] = h.future;
  return { history: { past: [...h.past, current], future, lastKey: null, lastTime: 0 }, doc };
}
