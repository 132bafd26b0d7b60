// The view of the tab shown when the page went away, kept beside the stored tabs so a reload shows
// it where it was (background tabs keep theirs in the tab list; the shown tab's lives in React Flow).
import { isViewport } from './tab-session.ts';
import type { Viewport } from './tabs.ts';

const ACTIVE_VIEWPORT_KEY = 'diffgraph.tabs.active-viewport';

let restored: Viewport | null = null;

export function saveActiveViewport(viewport: Viewport): void {
  try {
    localStorage.setItem(ACTIVE_VIEWPORT_KEY, JSON.stringify(viewport));
  } catch {
    // Storage full or disabled: the view is simply not kept.
  }
}

/** Reads the stored view of the restored session's shown tab (a damaged value is ignored). */
export function restoreActiveViewport(): void {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(ACTIVE_VIEWPORT_KEY) ?? 'null');
    restored = isViewport(value) ? value : null;
  } catch {
    restored = null;
  }
}

/** The view to show at start-up, if a restored session has one, until it has been shown. */
export function restoredViewport(): Viewport | null {
  return restored;
}

export function forgetRestoredViewport(): void {
  restored = null;
}
