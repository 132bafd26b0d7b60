// Ctrl+C / Ctrl+X / Ctrl+V through the browser's clipboard events (no permission prompt needed).
import { useEffect, useRef } from 'react';
import { clipText, cutSelection, pasteText } from '../store/clipboard-actions.ts';
import { toast } from '../store/editor.ts';
import { isTyping } from './useShortcuts.ts';

/** `pointer()` gives the canvas point under the mouse, where pasted nodes land. */
export function useClipboardEvents(pointer: () => { x: number; y: number }): void {
  const where = useRef(pointer);
  where.current = pointer;
  useEffect(() => {
    const onCopy = (e: ClipboardEvent) => {
      if (isTyping(e.target) || !e.clipboardData) return;
      const text = e.type === 'cut' ? cutSelection() : clipText();
      if (!text) return;
      e.clipboardData.setData('text/plain', text);
      e.preventDefault();
    };
    const onPaste = (e: ClipboardEvent) => {
      if (isTyping(e.target) || !e.clipboardData) return;
      const text = e.clipboardData.getData('text/plain');
      e.preventDefault();
      if (!pasteText(text, where.current())) toast('The clipboard holds no Diffgraph nodes');
    };
    document.addEventListener('copy', onCopy);
    document.addEventListener('cut', onCopy);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('cut', onCopy);
      document.removeEventListener('paste', onPaste);
    };
  }, []);
}
