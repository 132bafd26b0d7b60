// Live validation: the engine checks the document a moment after each edit; problems land on nodes.
import { useEffect } from 'react';
import { host } from '../host/host.ts';
import { editor, setProblems } from '../store/editor.ts';
import { useSlice } from '../store/store.ts';

const DEBOUNCE_MS = 250;

export function useValidation(): void {
  const doc = useSlice(editor, (s) => s.doc);
  const ready = useSlice(editor, (s) => s.catalogue !== null);
  useEffect(() => {
    if (!ready) return;
    let stale = false;
    const timer = setTimeout(async () => {
      try {
        const problems = await host().validate(doc);
        if (!stale && editor.get().doc === doc) setProblems(problems);
      } catch {
        // The host is unreachable; the connection banner says so. Keep the last problems.
      }
    }, DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [doc, ready]);
}
