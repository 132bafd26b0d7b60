// The editor window's options. The security flags are fixed here in one place (and tested):
// isolated, sandboxed renderer without Node, web security on, only the typed preload.
import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowOptionsInput {
  preloadPath: string;
  /** Restored size, if any. */
  bounds?: { width: number; height: number };
  platform: NodeJS.Platform;
  /** Window and taskbar icon (Linux, Windows); macOS shows the app bundle's icon instead. */
  iconPath?: string;
}

export function editorWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: input.bounds?.width ?? 1440,
    height: input.bounds?.height ?? 900,
    minWidth: 800,
    minHeight: 500,
    title: 'Diffgraph',
    backgroundColor: '#1e1e22',
    // Shown once the page has painted, so the window never flashes white.
    show: false,
    autoHideMenuBar: false,
    ...(input.platform === 'darwin' ? { titleBarStyle: 'default' as const } : {}),
    ...(input.platform !== 'darwin' && input.iconPath ? { icon: input.iconPath } : {}),
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      experimentalFeatures: false,
    },
  };
}
