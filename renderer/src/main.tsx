// Start-up: connect to the host, learn the node catalogue, open the last session or the default graph.
import '@xyflow/react/dist/style.css';
import './styles/fonts.ts';
import './styles/index.css';
import { createRoot } from 'react-dom/client';
import { createHostApi } from '../../main/host/shared/create-client.ts';
import { App } from './App.tsx';
import { restoreSession } from './hooks/useDocumentPersistence.ts';
import { setHost } from './host/host.ts';
import { restoreActiveViewport } from './store/active-viewport.ts';
import { editor, setCatalogue, toast } from './store/editor.ts';
import { loadEditorSettings } from './store/editor-settings.ts';
import { loadRecent, openDefault } from './store/file-actions.ts';
import { refreshGraphs, refreshInputs, refreshModels } from './store/host-data.ts';
import { refreshModelLibrary } from './store/model-library.ts';
import { followHostEvents } from './store/run-actions.ts';
import { followTabSession, restoreTabs } from './store/tab-session.ts';

/** Read-only view of the document for tests and for debugging in the devtools console. */
(window as unknown as { diffgraphDebug: object }).diffgraphDebug = { doc: () => editor.get().doc };

async function boot(): Promise<void> {
  const settingsProblems = loadEditorSettings();
  const host = createHostApi();
  setHost(host);
  const withConnection = host as { onConnectionChange?: (l: (c: boolean) => void) => () => void };
  withConnection.onConnectionChange?.((connected) =>
    editor.set({ hostState: connected ? 'connected' : 'failed' }),
  );
  try {
    const catalogue = await host.catalogue();
    setCatalogue(catalogue.nodes, catalogue.socketTypes);
    followHostEvents();
    loadRecent();
    await Promise.all([refreshModels(), refreshInputs(), refreshGraphs()]);
    // Checkpoint headers may take a moment on a big folder: pickers fill in when they arrive.
    void refreshModelLibrary();
    const params = new URLSearchParams(location.search);
    if (params.has('fresh') || !restoreSession()) await openDefault();
    else {
      restoreTabs();
      restoreActiveViewport();
    }
    followTabSession();
    const queue = await host.queueState();
    editor.set((s) => ({ hostState: 'connected', run: { ...s.run, queue: queue.items } }));
  } catch (error) {
    editor.set({ hostState: 'failed' });
    document
      .getElementById('boot-error')
      ?.replaceChildren(`Could not reach the Diffgraph engine: ${(error as Error).message}`);
    return;
  }
  createRoot(document.getElementById('root') as HTMLElement).render(<App />);
  for (const problem of settingsProblems) toast(`Stored setting ignored: ${problem}`, 'error');
}

void boot();
