// The native menu, as a plain template (no Electron import) so its commands and accelerators can
// be tested. Document commands go to the editor, which owns the document; clipboard items keep
// their native roles so text fields and the editor's copy/paste DOM events both work.
import type { MenuItemConstructorOptions } from 'electron';
import { DEVICE_NAMES, type DeviceName } from '../../nodes/api.ts';
import type { MenuCommand } from '../host/shared/api.ts';

export interface MenuActions {
  send(command: MenuCommand): void;
  openRecent(path: string): void;
  clearRecent(): void;
  chooseModelsFolder(): void;
  setDevice(device: DeviceName): void;
  showAbout(): void;
}

export interface MenuState {
  platform: NodeJS.Platform;
  appName: string;
  recentFiles: readonly string[];
  device: DeviceName;
  /** Reload and developer tools only in development. */
  isDev: boolean;
}

export function buildMenuTemplate(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = state.platform === 'darwin';
  const command = (
    label: string,
    accelerator: string | undefined,
    cmd: MenuCommand,
  ): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => actions.send(cmd),
  });
  const appMenu: MenuItemConstructorOptions[] = mac
    ? [
        {
          label: state.appName,
          submenu: [
            { role: 'about' },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
      ]
    : [];
  return [
    ...appMenu,
    { label: '&File', submenu: fileMenu(state, actions, command, mac) },
    { label: '&Edit', submenu: editMenu(state, command) },
    { label: '&View', submenu: viewMenu(state, command) },
    {
      label: '&Run',
      submenu: [
        command('Run', 'CmdOrCtrl+Enter', { type: 'run' }),
        command('Cancel Run', 'CmdOrCtrl+.', { type: 'cancel-run' }),
      ],
    },
    { label: '&Settings', submenu: settingsMenu(state, actions) },
    {
      role: 'help',
      submenu: [
        command('Keyboard Shortcuts', 'CmdOrCtrl+/', { type: 'shortcuts' }),
        ...(mac ? [] : [{ label: 'About Diffgraph', click: () => actions.showAbout() }]),
      ],
    },
  ];
}

type CommandItem = (
  label: string,
  accelerator: string | undefined,
  cmd: MenuCommand,
) => MenuItemConstructorOptions;

function fileMenu(
  state: MenuState,
  actions: MenuActions,
  command: CommandItem,
  mac: boolean,
): MenuItemConstructorOptions[] {
  const recent: MenuItemConstructorOptions[] =
    state.recentFiles.length === 0
      ? [{ label: 'No Recent Graphs', enabled: false }]
      : [
          ...state.recentFiles.map((path) => ({ label: path, click: () => actions.openRecent(path) })),
          { type: 'separator' as const },
          { label: 'Clear Recent', click: () => actions.clearRecent() },
        ];
  return [
    command('New', 'CmdOrCtrl+N', { type: 'new' }),
    command('Open…', 'CmdOrCtrl+O', { type: 'open' }),
    { label: 'Open Recent', submenu: recent },
    { type: 'separator' },
    command('Save', 'CmdOrCtrl+S', { type: 'save' }),
    command('Save As…', 'CmdOrCtrl+Shift+S', { type: 'save-as' }),
    { type: 'separator' },
    mac ? { role: 'close' } : { role: 'quit', label: 'Quit', accelerator: 'Ctrl+Q' },
  ];
}

function editMenu(state: MenuState, command: CommandItem): MenuItemConstructorOptions[] {
  return [
    command('Undo', 'CmdOrCtrl+Z', { type: 'undo' }),
    command('Redo', state.platform === 'win32' ? 'Ctrl+Y' : 'CmdOrCtrl+Shift+Z', { type: 'redo' }),
    { type: 'separator' },
    { role: 'cut' },
    { role: 'copy' },
    { role: 'paste' },
    { role: 'delete' },
    { role: 'selectAll' },
  ];
}

function viewMenu(state: MenuState, command: CommandItem): MenuItemConstructorOptions[] {
  const dev: MenuItemConstructorOptions[] = state.isDev
    ? [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }]
    : [];
  return [
    ...dev,
    command('Fit View', 'Shift+1', { type: 'fit-view' }),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
}

function settingsMenu(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  return [
    { label: 'Models Folder…', click: () => actions.chooseModelsFolder() },
    {
      label: 'Device',
      submenu: DEVICE_NAMES.map((device) => ({
        label: device,
        type: 'radio' as const,
        checked: device === state.device,
        click: () => actions.setDevice(device),
      })),
    },
  ];
}
