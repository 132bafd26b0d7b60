// The templates browser's state: open or not, and the thumbnails (fetched once, then kept).
import { host } from '../host/host.ts';
import { toast } from './editor.ts';
import { refreshGraphs } from './host-data.ts';
import { createStore } from './store.ts';

export const templates = createStore<{ open: boolean; thumbnails: Record<string, string> }>({
  open: false,
  thumbnails: {},
});

export async function showTemplates(): Promise<void> {
  templates.set({ open: true });
  const loaded = Object.keys(templates.get().thumbnails).length > 0;
  try {
    await Promise.all([
      refreshGraphs(),
      loaded
        ? null
        : host()
            .templateThumbnails()
            .then((thumbnails) => templates.set({ thumbnails })),
    ]);
  } catch (error) {
    toast(`Could not load the template thumbnails: ${(error as Error).message}`, 'error');
  }
}

export function closeTemplates(): void {
  templates.set({ open: false });
}
