// Keeps what a node shows while and after it runs (live preview, images) inside the space above
// the next node down, so a running node never grows over its neighbours: the pictures shrink to
// fit, and when no room is left they give way to a count.
import { type ReactNode, useLayoutEffect, useRef, useState } from 'react';
import { roomBelow } from '../doc/placement.ts';
import { editor } from '../store/editor.ts';
import { useSlice } from '../store/store.ts';

/** Space kept free above the neighbour below. */
const GAP = 12;
/** Below this height a picture is not worth drawing. */
const MIN_PICTURE = 32;

export function FitsAbove({ id, count, children }: { id: string; count: number; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const room = useSlice(editor, (s) => roomBelow(s.doc, s.measured, id));
  const [offset, setOffset] = useState(0);
  // Where this block starts inside its node (CSS pixels, unaffected by zoom).
  useLayoutEffect(() => {
    let top = 0;
    for (let el: HTMLElement | null = ref.current; el; el = el.offsetParent as HTMLElement | null) {
      if (el.classList.contains('react-flow__node')) break;
      top += el.offsetTop;
    }
    setOffset(top);
  });
  const maxHeight = Number.isFinite(room) ? Math.max(0, room - offset - GAP) : undefined;
  const squeezed = maxHeight !== undefined && maxHeight < MIN_PICTURE;
  return (
    <div
      ref={ref}
      className="dg-run-media"
      style={maxHeight === undefined ? undefined : { maxHeight }}
      data-testid={`run-media-${id}`}
    >
      {squeezed
        ? maxHeight >= 18 && (
            <span className="dg-run-media-count">
              {count} {count === 1 ? 'picture' : 'pictures'} (no room: move the node below)
            </span>
          )
        : children}
    </div>
  );
}
