// The app icon: the window and taskbar icon on Linux and Windows (macOS takes the bundle's icon),
// and the source electron-builder packages (electron-builder.yml). Made by scripts/make-app-icon.ts.
import { fileURLToPath } from 'node:url';

export const APP_ICON_SIZE = 1024;
export const APP_ICON_PATH = fileURLToPath(new URL('./assets/icon.png', import.meta.url));
