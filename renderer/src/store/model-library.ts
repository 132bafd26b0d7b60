// The model library: checkpoints, LoRAs, VAEs and embeddings the host found, with their
// architecture (read from the files' headers by the host). Pickers and the Models panel read it.
import type { ModelFileInfo } from '../../../main/checkpoint/scan.ts';
import { host } from '../host/host.ts';
import { toast } from './editor.ts';
import { createStore } from './store.ts';

export interface ModelLibraryState {
  roots: string[];
  files: ModelFileInfo[];
  state: 'idle' | 'loading' | 'ready' | 'failed';
}

export const modelLibrary = createStore<ModelLibraryState>({ roots: [], files: [], state: 'idle' });

let inFlight: Promise<void> | null = null;

/** Asks the host again (opening a picker or the panel); calls made meanwhile share one request. */
export function refreshModelLibrary(): Promise<void> {
  inFlight ??= (async () => {
    modelLibrary.set((s) => ({ state: s.state === 'ready' ? 'ready' : 'loading' }));
    try {
      const { roots, files } = await host().listModelFiles();
      modelLibrary.set({ roots, files, state: 'ready' });
    } catch (error) {
      modelLibrary.set({ state: 'failed' });
      toast(`Could not list model files: ${(error as Error).message}`, 'error');
    } finally {
      inFlight = null;
    }
  })();
  return inFlight;
}
