// Keeps the session in localStorage (reopened after a reload or crash), warns before closing with
// unsaved changes, and tells the Electron shell the title and edited state.
import { useEffect } from 'react';
import { asGraphDoc } from '../doc/types.ts';
import { host } from '../host/host.ts';
import { editor, type FileRef, isDirty } from '../store/editor.ts';
import { useSlice } from '../store/store.ts';
import { isTabDirty, tabsStore } from '../store/tabs.ts';

const SESSION_KEY = 'diffgraph.session';

export function restoreSession(): boolean {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    if (!raw) return false;
    const saved = JSON.parse(raw) as { doc: unknown; file: FileRef | null; dirty: boolean };
    const doc = asGraphDoc(saved.doc);
    if (!doc) return false;
    editor.set({ doc, savedDoc: saved.dirty ? { ...doc } : doc, file: saved.file ?? null });
    return true;
  } catch {
    return false;
  }
}

export function useDocumentPersistence(): void {
  const doc = useSlice(editor, (s) => s.doc);
  const file = useSlice(editor, (s) => s.file);
  const dirty = useSlice(editor, isDirty);
  useEffect(() => {
    const timer = setTimeout(() => {
      try {
        localStorage.setItem(SESSION_KEY, JSON.stringify({ doc, file, dirty }));
      } catch {
        // Storage full or disabled: the session is simply not kept.
      }
    }, 500);
    return () => clearTimeout(timer);
  }, [doc, file, dirty]);

  // The desktop shell asks before closing while any tab, shown or not, has unsaved changes.
  const otherTabDirty = useSlice(tabsStore, (t) => t.tabs.some((tab) => tab.snapshot && isTabDirty(tab)));
  useEffect(() => {
    const title = `${dirty ? '• ' : ''}${file?.name ?? 'Untitled'} — Diffgraph`;
    document.title = title;
    void host().shell?.setDocumentState({ title, edited: dirty || otherTabDirty });
  }, [file, dirty, otherTabDirty]);

  useEffect(() => {
    const onUnload = (e: BeforeUnloadEvent) => {
      if (!isDirty(editor.get())) return;
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, []);
}
