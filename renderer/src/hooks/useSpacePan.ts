// Space held + drag pans the view from anywhere, nodes included (ComfyUI's habit). React Flow's own
// pan key only pans from empty canvas; over a node the drag would move the node instead.
import { useReactFlow } from '@xyflow/react';
import { type MouseEvent, useCallback, useEffect, useRef } from 'react';

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/** Returns a mousedown capture handler for the canvas; true when it took the event. */
export function useSpacePan(): (e: MouseEvent) => boolean {
  const flow = useReactFlow();
  const held = useRef(false);
  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (e.code === 'Space' && !typing(e.target)) held.current = true;
    };
    const up = (e: KeyboardEvent) => {
      if (e.code === 'Space') held.current = false;
    };
    const blur = () => {
      held.current = false;
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', blur);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', blur);
    };
  }, []);
  return useCallback(
    (e: MouseEvent) => {
      if (!held.current || e.button !== 0) return false;
      e.stopPropagation();
      e.preventDefault();
      const start = { x: e.clientX, y: e.clientY, view: flow.getViewport() };
      const move = (m: globalThis.MouseEvent) => {
        const { view } = start;
        void flow.setViewport({
          x: view.x + m.clientX - start.x,
          y: view.y + m.clientY - start.y,
          zoom: view.zoom,
        });
      };
      const stop = () => {
        window.removeEventListener('mousemove', move);
        window.removeEventListener('mouseup', stop);
      };
      window.addEventListener('mousemove', move);
      window.addEventListener('mouseup', stop);
      return true;
    },
    [flow],
  );
}
