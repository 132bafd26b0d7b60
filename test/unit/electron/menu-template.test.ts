import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate, type MenuActions, type MenuState } from '../../../main/electron/menu-template.ts';
import type { MenuCommand } from '../../../main/host/shared/api.ts';

function build(overrides: Partial<MenuState> = {}) {
  const sent: MenuCommand[] = [];
  const calls: string[] = [];
  const actions: MenuActions = {
    send: (command) => sent.push(command),
    openRecent: (path) => calls.push(`recent:${path}`),
    clearRecent: () => calls.push('clear'),
    chooseModelsFolder: () => calls.push('models'),
    setDevice: (device) => calls.push(`device:${device}`),
    showAbout: () => calls.push('about'),
  };
  const state: MenuState = {
    platform: 'linux',
    appName: 'Diffgraph',
    recentFiles: [],
    device: 'auto',
    isDev: false,
    ...overrides,
  };
  return { template: buildMenuTemplate(state, actions), sent, calls };
}

/** Every item, depth first. */
function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}

function click(item: MenuItemConstructorOptions | undefined) {
  if (!item?.click) throw new Error('menu item not found or not clickable');
  (item.click as unknown as () => void)();
}

describe('menu template', () => {
  it('binds the document commands to their accelerators and sends them to the editor', () => {
    const { template, sent } = build();
    const expected: [string, MenuCommand['type']][] = [
      ['CmdOrCtrl+N', 'new'],
      ['CmdOrCtrl+O', 'open'],
      ['CmdOrCtrl+S', 'save'],
      ['CmdOrCtrl+Shift+S', 'save-as'],
      ['CmdOrCtrl+Enter', 'run'],
      ['CmdOrCtrl+Z', 'undo'],
      ['CmdOrCtrl+Shift+Z', 'redo'],
    ];
    for (const [accelerator, type] of expected) {
      const item = items(template).find((i) => i.accelerator === accelerator);
      click(item);
      expect(sent.at(-1)).toEqual({ type });
    }
    expect(items(template).find((i) => i.role === 'quit')?.accelerator).toBe('Ctrl+Q');
  });

  it('has no accelerator bound twice', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const accelerators = items(build({ platform, isDev: true }).template).flatMap((i) =>
        i.accelerator ? [String(i.accelerator)] : [],
      );
      expect(new Set(accelerators).size).toBe(accelerators.length);
    }
  });

  it('follows platform conventions: app menu on macOS, Ctrl+Y redo on Windows', () => {
    expect(build({ platform: 'darwin' }).template[0].label).toBe('Diffgraph');
    expect(build({ platform: 'linux' }).template[0].label).toBe('&File');
    expect(items(build({ platform: 'win32' }).template).find((i) => i.label === 'Redo')?.accelerator).toBe(
      'Ctrl+Y',
    );
  });

  it('keeps native clipboard roles and hides developer tools outside development', () => {
    const roles = items(build().template).map((i) => i.role);
    expect(roles).toEqual(expect.arrayContaining(['cut', 'copy', 'paste', 'selectAll']));
    expect(roles).not.toContain('toggleDevTools');
    expect(items(build({ isDev: true }).template).map((i) => i.role)).toContain('toggleDevTools');
  });

  it('lists recent graphs and marks the current device', () => {
    const { template, calls } = build({ recentFiles: ['/g/a.json', '/g/b.json'], device: 'webgpu' });
    click(items(template).find((i) => i.label === '/g/b.json'));
    click(items(template).find((i) => i.label === 'Clear Recent'));
    const devices = items(template).filter((i) => i.type === 'radio');
    expect(devices.filter((i) => i.checked).map((i) => i.label)).toEqual(['webgpu']);
    click(devices.find((i) => i.label === 'cpu'));
    expect(calls).toEqual(['recent:/g/b.json', 'clear', 'device:cpu']);
    expect(items(build().template).find((i) => i.label === 'No Recent Graphs')?.enabled).toBe(false);
  });
});
