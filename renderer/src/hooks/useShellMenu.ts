// In Electron, native menu items arrive as commands; the editor owns the document, so it acts.
import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import type { MenuCommand } from '../../../main/host/shared/api.ts';
import { host } from '../host/host.ts';
import { editor, redo, undo } from '../store/editor.ts';
import { newGraph, openGraph, save, saveAs, showOpen } from '../store/file-actions.ts';
import { cancelRun, queueRun } from '../store/run-actions.ts';

export function useShellMenu(): void {
  const flow = useReactFlow();
  useEffect(() => {
    const shell = host().shell;
    if (!shell) return;
    const handlers: { [K in MenuCommand['type']]: (c: Extract<MenuCommand, { type: K }>) => void } = {
      new: newGraph,
      open: showOpen,
      save: () => void save(),
      'save-as': () => void saveAs(),
      run: () => void queueRun(),
      'cancel-run': () => void cancelRun(),
      undo,
      redo,
      'fit-view': () => void flow.fitView({ padding: 0.15 }),
      shortcuts: () => editor.set({ dialog: { kind: 'shortcuts' } }),
      'open-graph': (c) => openGraph(c.id),
    };
    return shell.onMenuCommand((command) => (handlers[command.type] as (c: MenuCommand) => void)(command));
  }, [flow]);
}
