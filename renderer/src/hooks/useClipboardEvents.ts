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
    // Ctrl+Shift+V pastes keeping the wires into the copied nodes (the paste event has no modifiers).
    let keepLinks = false;
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() === 'v') keepLinks = (e.ctrlKey || e.metaKey) && e.shiftKey;
    };
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
      const keep = keepLinks;
      keepLinks = false;
      if (!pasteText(text, where.current(), keep)) toast('The clipboard holds no Diffgraph nodes');
    };
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('copy', onCopy);
    document.addEventListener('cut', onCopy);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('cut', onCopy);
      document.removeEventListener('paste', onPaste);
    };
  }, []);
}
