// Electron's open/save/folder dialogs behind the NativeDialogs interface the shell API uses,
// parented to the editor window when there is one.
import { type BrowserWindow, dialog } from 'electron';
import type { NativeDialogs } from './shell-api.ts';

export function nativeDialogs(parent: () => BrowserWindow | undefined): NativeDialogs {
  return {
    async openFile({ filters, defaultPath }) {
      const window = parent();
      const options = { properties: ['openFile' as const], filters, defaultPath };
      const result = window
        ? await dialog.showOpenDialog(window, options)
        : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async saveFile({ filters, defaultPath }) {
      const window = parent();
      const options = { filters, defaultPath };
      const result = window
        ? await dialog.showSaveDialog(window, options)
        : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    async chooseFolder({ defaultPath }) {
      const window = parent();
      const options = { properties: ['openDirectory' as const, 'createDirectory' as const], defaultPath };
      const result = window
        ? await dialog.showOpenDialog(window, options)
        : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
}
