// Creates the editor window with the fixed security options, locks navigation to the app,
// refuses new windows and permission requests, and asks before closing an edited document.
import { fileURLToPath } from 'node:url';
import { BrowserWindow, dialog, shell } from 'electron';
import { APP_ICON_PATH } from './app-icon.ts';
import { APP_START_URL, isAllowedNavigation, isPermissionAllowed } from './app-origin.ts';
import { openExternalLink } from './external-links.ts';
import { editorWindowOptions } from './window-options.ts';

const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));

export interface EditorWindow {
  window: BrowserWindow;
  setDocumentState(state: { title: string; edited: boolean }): void;
}

export function createEditorWindow(onReady: (window: BrowserWindow) => void): EditorWindow {
  const window = new BrowserWindow(
    editorWindowOptions({ preloadPath: PRELOAD, platform: process.platform, iconPath: APP_ICON_PATH }),
  );
  let edited = false;
  const contents = window.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    // Links to the web open in the user's browser, never inside the app: known hosts directly,
    // any other https address only after the user has seen it and agreed.
    void openExternalLink(url, {
      openExternal: (target) => shell.openExternal(target),
      confirm: async (target) =>
        (
          await dialog.showMessageBox(window, {
            type: 'question',
            buttons: ['Cancel', 'Open in Browser'],
            defaultId: 0,
            cancelId: 0,
            message: 'Open this address in your browser?',
            detail: target,
          })
        ).response === 1,
    });
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionAllowed(permission, details.requestingUrl)),
  );
  contents.session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin),
  );
  window.once('ready-to-show', () => window.show());
  contents.on('did-finish-load', () => onReady(window));
  window.on('close', (event) => {
    if (!edited) return;
    const choice = dialog.showMessageBoxSync(window, {
      type: 'warning',
      buttons: ['Cancel', 'Close Without Saving'],
      defaultId: 0,
      cancelId: 0,
      message: 'This graph has unsaved changes.',
      detail: 'Closing the window discards them.',
    });
    if (choice === 0) event.preventDefault();
  });
  void window.loadURL(APP_START_URL);
  return {
    window,
    setDocumentState(state) {
      edited = state.edited;
      window.setTitle(`${state.edited ? '• ' : ''}${state.title} — Diffgraph`);
      window.setDocumentEdited(state.edited);
    },
  };
}
