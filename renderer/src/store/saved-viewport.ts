// The view a graph file remembers: saving writes the canvas's current pan and zoom into the
// document, opening restores it. Moving the view does not make the document unsaved.
import type { GraphDoc, GraphViewport } from '../doc/types.ts';

let readViewport: (() => GraphViewport) | null = null;

/** The canvas registers how to read its current view (React Flow lives inside a component). */
export function setViewportReader(reader: (() => GraphViewport) | null): void {
  readViewport = reader;
}

/** `doc` with the canvas's current view, as it is written to a file. */
export function withCurrentViewport(doc: GraphDoc): GraphDoc {
  const view = readViewport?.();
  if (!view || !isUsableViewport(view)) return doc;
  // Whole pixels and three decimals of zoom: enough to restore the view, and stable in diffs.
  const viewport = {
    x: Math.round(view.x),
    y: Math.round(view.y),
    zoom: Math.round(view.zoom * 1000) / 1000,
  };
  return { ...doc, viewport };
}

/** The view stored in a document, if it is one the canvas can show. */
export function savedViewport(doc: GraphDoc): GraphViewport | null {
  return isUsableViewport(doc.viewport) ? doc.viewport : null;
}

function isUsableViewport(v: unknown): v is GraphViewport {
  if (!v || typeof v !== 'object') return false;
  const { x, y, zoom } = v as Record<string, unknown>;
  return (
    typeof x === 'number' &&
    Number.isFinite(x) &&
    typeof y === 'number' &&
    Number.isFinite(y) &&
    typeof zoom === 'number' &&
    Number.isFinite(zoom) &&
    zoom > 0
  );
}
