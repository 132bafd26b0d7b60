import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AllowedGraphFiles } from '../../../main/electron/allowed-files.ts';
import { createShellApi, type NativeDialogs, safeFileName } from '../../../main/electron/shell-api.ts';
import { HostCore } from '../../../main/host/host-core.ts';
import { SettingsStore } from '../../../main/host/settings-store.ts';
import type { ShellSettings } from '../../../main/host/shared/api.ts';
import { FakeEngine } from '../host/fake-engine.ts';

let base: string;
let core: HostCore;
let settings: SettingsStore;
let allowed: AllowedGraphFiles;
let dialogAnswers: { open: string | null; save: string | null; folder: string | null };
let dialogCalls: unknown[];
let applied: ShellSettings[];
let queueEmpty: boolean;
let windowStates: unknown[];

function makeShell() {
  const dialogs: NativeDialogs = {
    openFile: async (options) => {
      dialogCalls.push(['open', options]);
      return dialogAnswers.open;
    },
    saveFile: async (options) => {
      dialogCalls.push(['save', options]);
      return dialogAnswers.save;
    },
    chooseFolder: async (options) => {
      dialogCalls.push(['folder', options]);
      return dialogAnswers.folder;
    },
  };
  return createShellApi({
    dialogs,
    settings,
    allowed,
    graphsDir: join(base, 'graphs'),
    readGraph: (id) => core.readGraph(id),
    writeGraph: (id, graph) => core.writeGraph(id, graph),
    setWindowState: (state) => windowStates.push(state),
    queueIsEmpty: async () => queueEmpty,
    applySettings: async (next) => void applied.push(next),
  });
}

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'diffgraph-shell-'));
  const paths = {
    models: join(base, 'models'),
    input: join(base, 'input'),
    output: join(base, 'output'),
    graphs: join(base, 'graphs'),
  };
  for (const dir of Object.values(paths)) await mkdir(dir);
  await mkdir(join(base, 'docs'));
  settings = new SettingsStore(join(base, 'userdata'));
  await settings.load();
  allowed = new AllowedGraphFiles(
    () => settings.get().recentFiles,
    async (path) => {
      await settings.addRecent(path);
    },
  );
  core = new HostCore({ engine: new FakeEngine(), paths, external: allowed });
  dialogAnswers = { open: null, save: null, folder: null };
  dialogCalls = [];
  applied = [];
  queueEmpty = true;
  windowStates = [];
});
afterEach(() => rm(base, { recursive: true, force: true }));

const doc = { format: 'diffgraph', version: 1, title: 'Mine', nodes: {}, edges: [] };

describe('shell API', () => {
  it('opens the graph chosen in the dialog, makes it readable and writable, and remembers it', async () => {
    const path = join(base, 'docs', 'chosen.json');
    await writeFile(path, JSON.stringify(doc));
    const shell = makeShell();
    expect(await core.readGraph(`file:${path}`).catch((e: { code: string }) => e.code)).toBe('forbidden');
    dialogAnswers.open = path;
    expect(await shell.openGraphDialog()).toEqual({ id: `file:${path}`, graph: doc });
    expect(await core.writeGraph(`file:${path}`, { ...doc, title: 'Changed' })).toBe(`file:${path}`);
    expect(settings.get().recentFiles).toEqual([path]);
    // A later session may reopen it from the recent list.
    const nextSession = new AllowedGraphFiles(
      () => settings.get().recentFiles,
      () => {},
    );
    expect(nextSession.isAllowed(path)).toBe(true);
    expect(nextSession.isAllowed(join(base, 'docs', 'other.json'))).toBe(false);
  });

  it('returns null when a dialog is cancelled', async () => {
    const shell = makeShell();
    expect(await shell.openGraphDialog()).toBeNull();
    expect(await shell.saveGraphDialog(doc, 'Mine')).toBeNull();
    expect(await shell.chooseModelsFolder()).toBeNull();
  });

  it('saves through the dialog, adding .json and suggesting a safe name in the graphs folder', async () => {
    const shell = makeShell();
    dialogAnswers.save = join(base, 'docs', 'saved');
    const id = await shell.saveGraphDialog(doc, 'a/b: c?');
    expect(id).toBe(`file:${join(base, 'docs', 'saved.json')}`);
    expect(JSON.parse(await readFile(join(base, 'docs', 'saved.json'), 'utf8'))).toEqual(doc);
    expect(dialogCalls[0]).toEqual([
      'save',
      {
        filters: [{ name: 'Diffgraph graph', extensions: ['json'] }],
        defaultPath: join(base, 'graphs', 'b_ c_.json'),
      },
    ]);
  });

  it('restarts the engine for a new device or models folder, but not while runs are queued', async () => {
    const shell = makeShell();
    expect(await shell.updateSettings({ device: 'auto' })).toEqual({
      modelsDir: null,
      device: 'auto',
      recentFiles: [],
    });
    expect(applied).toEqual([]);
    await shell.updateSettings({ device: 'webgpu', modelsDir: '/data/models' });
    expect(applied).toEqual([{ modelsDir: '/data/models', device: 'webgpu', recentFiles: [] }]);
    queueEmpty = false;
    await expect(shell.updateSettings({ device: 'cpu' })).rejects.toMatchObject({ code: 'conflict' });
    expect(settings.get().device).toBe('webgpu');
  });

  it('passes the document state to the window', async () => {
    await makeShell().setDocumentState({ title: 'Mine', edited: true });
    expect(windowStates).toEqual([{ title: 'Mine', edited: true }]);
  });

  it('makes safe default file names', () => {
    expect(safeFileName('My graph')).toBe('My graph.json');
    expect(safeFileName('x.json')).toBe('x.json');
    expect(safeFileName('  ')).toBe('Untitled.json');
    expect(safeFileName('a*b|c')).toBe('a_b_c.json');
  });
});
