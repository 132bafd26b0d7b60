// Installs the native application menu from the plain template (menu-template.ts); called again
// whenever the recent files or the device change.
import { app, dialog, Menu } from 'electron';
import type { DeviceName } from '../../nodes/api.ts';
import type { StoredSettings } from '../host/settings-store.ts';
import type { MenuCommand } from '../host/shared/api.ts';
import { buildMenuTemplate } from './menu-template.ts';

export interface AppMenuInput {
  settings: StoredSettings;
  send(command: MenuCommand): void;
  openRecent(path: string): void;
  clearRecent(): void;
  chooseModelsFolder(): void;
  setDevice(device: DeviceName): void;
}

export function installAppMenu(input: AppMenuInput): void {
  const { settings, ...actions } = input;
  const template = buildMenuTemplate(
    {
      platform: process.platform,
      appName: app.name,
      recentFiles: settings.recentFiles,
      device: settings.device,
      isDev: !app.isPackaged,
    },
    {
      ...actions,
      showAbout: () =>
        void dialog.showMessageBox({ title: 'About Diffgraph', message: `Diffgraph ${app.getVersion()}` }),
    },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
