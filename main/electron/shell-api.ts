// The Electron-only part of the host API (dialogs, window state, settings) as plain logic over
// injected native functions, so it is testable without Electron. One instance per window.
import { basename, dirname, join } from 'node:path';
import { type SettingsStore, toShellSettings } from '../host/settings-store.ts';
import type { ShellSettings } from '../host/shared/api.ts';
import { HostError } from '../host/shared/errors.ts';
import type { AllowedGraphFiles } from './allowed-files.ts';
import type { ShellMainApi } from './ipc-handlers.ts';

export const GRAPH_FILTERS = [{ name: 'Diffgraph graph', extensions: ['json'] }];

export interface NativeDialogs {
  /** An absolute path, or null when cancelled. */
  openFile(options: { filters: typeof GRAPH_FILTERS; defaultPath?: string }): Promise<string | null>;
  saveFile(options: { filters: typeof GRAPH_FILTERS; defaultPath: string }): Promise<string | null>;
  chooseFolder(options: { defaultPath?: string }): Promise<string | null>;
}

export interface ShellDeps {
  dialogs: NativeDialogs;
  settings: SettingsStore;
  allowed: AllowedGraphFiles;
  graphsDir: string;
  readGraph(id: string): Promise<unknown>;
  writeGraph(id: string, graph: unknown): Promise<string>;
  setWindowState(state: { title: string; edited: boolean }): void;
  /** True when no run is queued or running (the engine can be restarted). */
  queueIsEmpty(): Promise<boolean>;
  /** Apply a new models folder or device (restart the engine), then refresh menus. */
  applySettings(settings: ShellSettings): Promise<void>;
}

export function createShellApi(deps: ShellDeps): ShellMainApi {
  const lastDir = () => {
    const recent = deps.settings.get().recentFiles[0];
    return recent ? dirname(recent) : deps.graphsDir;
  };
  return {
    async openGraphDialog() {
      const path = await deps.dialogs.openFile({ filters: GRAPH_FILTERS, defaultPath: lastDir() });
      if (path === null) return null;
      const id = `file:${deps.allowed.allow(path)}`;
      return { id, graph: await deps.readGraph(id) };
    },
    async saveGraphDialog(graph, suggestedName) {
      const name = safeFileName(suggestedName ?? 'Untitled');
      const chosen = await deps.dialogs.saveFile({
        filters: GRAPH_FILTERS,
        defaultPath: join(lastDir(), name),
      });
      if (chosen === null) return null;
      const path = chosen.toLowerCase().endsWith('.json') ? chosen : `${chosen}.json`;
      return deps.writeGraph(`file:${deps.allowed.allow(path)}`, graph);
    },
    async setDocumentState(state) {
      deps.setWindowState(state);
    },
    async getSettings() {
      return toShellSettings(deps.settings.get());
    },
    async updateSettings(patch) {
      const before = deps.settings.get();
      const changes = patch.modelsDir !== undefined && patch.modelsDir !== before.modelsDir;
      const deviceChanges = patch.device !== undefined && patch.device !== before.device;
      if (!changes && !deviceChanges) return toShellSettings(before);
      if (!(await deps.queueIsEmpty())) {
        throw new HostError(
          'conflict',
          'finish or cancel the queued runs before changing the models folder or device',
        );
      }
      const next = toShellSettings(await deps.settings.update(patch));
      await deps.applySettings(next);
      return next;
    },
    async chooseModelsFolder() {
      return deps.dialogs.chooseFolder({ defaultPath: deps.settings.get().modelsDir ?? undefined });
    },
  };
}

/** A default file name for the save dialog, from the graph's title. */
export function safeFileName(title: string): string {
  const stem = basename(title.replace(/\.json$/i, ''))
    .replace(/[<>:"/\\|?*\p{Cc}]/gu, '_')
    .trim()
    .slice(0, 100);
  return `${stem || 'Untitled'}.json`;
}
