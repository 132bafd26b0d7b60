// Global key handling for the canvas (text fields keep their own keys, except a few like Ctrl+Enter).
import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import { editor } from '../store/editor.ts';
import { findShortcut, keyName } from './shortcuts.ts';

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return (
    !!el &&
    (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)
  );
}

export function useShortcuts(): void {
  const flow = useReactFlow();
  useEffect(() => {
    const controls = {
      fitView: () => void flow.fitView({ padding: 0.15, duration: 200 }),
      center: () => {
        const screen = { x: window.innerWidth / 2 - 180, y: window.innerHeight / 3 };
        return {
          screen,
          flow: flow.screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 2 }),
        };
      },
    };
    const onKey = (e: KeyboardEvent) => {
      const s = editor.get();
      if (e.key === 'Escape') {
        editor.set({ palette: null, dialog: null, menu: null });
        return;
      }
      if (s.palette || (s.dialog && s.dialog.kind !== 'shortcuts')) return;
      const shortcut = findShortcut(keyName(e));
      if (!shortcut || (isTyping(e.target) && !shortcut.inFields)) return;
      e.preventDefault();
      shortcut.run(controls);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [flow]);
}
