// What code outside the canvas component (store actions) needs to know about the view: the part
// of the canvas on screen and what covers it, and a way to bring a rectangle into view.
import type { PlacementArea, Rect } from '../doc/placement.ts';

export interface CanvasBridge {
  area(): PlacementArea;
  /** Moves the view (same zoom) so that `rect` is on screen, if it is not already. */
  reveal(rect: Rect): void;
}

let bridge: CanvasBridge | null = null;

export function setCanvasBridge(next: CanvasBridge | null): void {
  bridge = next;
}

export function canvasArea(): PlacementArea {
  return bridge?.area() ?? {};
}

export function revealRect(rect: Rect): void {
  bridge?.reveal(rect);
}
