// Keeps the shown tab's view across a reload: saved when a pan or zoom ends and when the page goes
// away, and put back once the opening fit of the restored document is done (instead of that fit).
import { useOnViewportChange, useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import { forgetRestoredViewport, restoredViewport, saveActiveViewport } from '../store/active-viewport.ts';
import { editor } from '../store/editor.ts';

export function useActiveTabViewport(): void {
  const flow = useReactFlow();
  useOnViewportChange({ onEnd: saveActiveViewport });

  useEffect(() => {
    const onHide = () => saveActiveViewport(flow.getViewport());
    window.addEventListener('pagehide', onHide);
    return () => window.removeEventListener('pagehide', onHide);
  }, [flow]);

  useEffect(() => {
    // Kept until shown: an effect run cleaned up early (a remount) leaves it to the next run.
    const view = restoredViewport();
    if (!view) return;
    // The document is framed when it opens; the stored view replaces that frame once it is done.
    editor.set({ fitPending: true });
    let frame = 0;
    const stop = editor.subscribe(() => {
      if (editor.get().fitPending) return;
      stop();
      frame = requestAnimationFrame(() => {
        forgetRestoredViewport();
        void flow.setViewport(view);
      });
    });
    return () => {
      stop();
      cancelAnimationFrame(frame);
    };
  }, [flow]);
}
