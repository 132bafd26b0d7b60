// Where dragged graph nodes are while the drag lasts. React Flow reports a position on every pointer
// move; writing each into the document re-ran every document subscriber (500 node cards, the
// minimap, validation, the undo history) per frame. The canvas draws these positions instead, and
// the document is written once when the drag ends: one undo step, one dirty mark.
import type { Vec2 } from '../doc/types.ts';
import { createStore } from './store.ts';

const NONE: ReadonlyMap<string, Vec2> = new Map();

export const dragPositions = createStore<{ moving: ReadonlyMap<string, Vec2> }>({ moving: NONE });

/** Records where the dragged nodes are now (nodes not named keep their last position). */
export function dragTo(moves: ReadonlyMap<string, Vec2>): void {
  if (moves.size === 0) return;
  dragPositions.set((s) => ({ moving: new Map([...s.moving, ...moves]) }));
}

/** Where each dragged node was last drawn. */
export function draggedPositions(): ReadonlyMap<string, Vec2> {
  return dragPositions.get().moving;
}

/** Forgets the drag (after its positions were written to the document). */
export function clearDragPositions(): void {
  if (dragPositions.get().moving.size > 0) dragPositions.set({ moving: NONE });
}
