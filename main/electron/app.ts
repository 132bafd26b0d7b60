// The Electron main process (loaded by main.cjs): one instance, one editor window, the engine in
// a utility process, the host API over IPC and the app's own protocol. The logic lives in plain
// modules beside this file; this one only wires them to Electron.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { app, dialog, ipcMain, protocol } from 'electron';
import type { DeviceName } from '../../nodes/api.ts';
import { SwappableEngine } from '../engine/transport/swappable-engine.ts';
import { HostCore } from '../host/host-core.ts';
import { SettingsStore } from '../host/settings-store.ts';
import type { MenuCommand, ShellSettings } from '../host/shared/api.ts';
import { EVENT_CHANNEL, IPC_PREFIX, MENU_CHANNEL } from '../host/shared/channels.ts';
import { APP_ROOT, BUNDLED_MODELS_DIR, type DiffgraphPaths, defaultPaths, envModelRoots } from '../paths.ts';
import { splitModelRoots } from '../runtime/model-folders.ts';
import { AllowedGraphFiles } from './allowed-files.ts';
import { installAppMenu } from './app-menu.ts';
import { APP_SCHEME } from './app-origin.ts';
import { handleAppRequest } from './app-protocol.ts';
import { graphPathsFromArgv } from './argv.ts';
import { createEditorWindow, type EditorWindow } from './editor-window.ts';
import { registerIpcHandlers } from './ipc-handlers.ts';
import { nativeDialogs } from './native-dialogs.ts';
import { createShellApi } from './shell-api.ts';
import { startUtilityEngine } from './utility-engine.ts';

const RENDERER_DIR = join(APP_ROOT, 'dist', 'renderer');
const argvOptions = (cwd: string) => ({ cwd, defaultApp: Boolean(process.defaultApp) });

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

let editor: EditorWindow | null = null;
// Graphs to open once the page has loaded (messages sent before then would be lost).
const pendingGraphs = graphPathsFromArgv(process.argv, argvOptions(process.cwd()));
let openGraphPath: (path: string) => void = (path) => void pendingGraphs.push(path);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv, workingDirectory) => {
    for (const path of graphPathsFromArgv(argv, argvOptions(workingDirectory))) openGraphPath(path);
    if (editor?.window.isMinimized()) editor.window.restore();
    editor?.window.focus();
  });
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openGraphPath(path);
  });
  app.on('window-all-closed', () => app.quit());
  start().catch((error: unknown) => {
    dialog.showErrorBox('Diffgraph could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
}

/** The models setting (or DIFFGRAPH_MODELS) may list several folders: the first is `paths.models`. */
function modelRootsFor(settings: ShellSettings): string[] {
  return settings.modelsDir ? splitModelRoots(settings.modelsDir) : envModelRoots();
}

function pathsFor(settings: ShellSettings): DiffgraphPaths {
  const paths = defaultPaths();
  const [first] = modelRootsFor(settings);
  return first ? { ...paths, models: first } : paths;
}

function engineOptions(paths: DiffgraphPaths, device: DeviceName, settings: ShellSettings) {
  const { models, input, output } = paths;
  const extra = modelRootsFor(settings).slice(1);
  return { paths: { models, input, output }, device, modelSearchPath: [...extra, BUNDLED_MODELS_DIR] };
}

async function start(): Promise<void> {
  await app.whenReady();
  const settings = new SettingsStore(app.getPath('userData'));
  const loaded = await settings.load();
  const paths = pathsFor(loaded.settings);
  await Promise.all(Object.values(paths).map((dir) => mkdir(dir, { recursive: true })));
  const engine = new SwappableEngine(
    await startUtilityEngine(engineOptions(paths, loaded.settings.device, loaded.settings)),
  );
  const allowed = new AllowedGraphFiles(
    () => settings.get().recentFiles,
    (path) => settings.addRecent(path).then(() => refreshMenu()),
  );
  const core = new HostCore({
    engine,
    paths,
    external: allowed,
    modelRoots: () => {
      const roots = modelRootsFor(settings.get());
      return roots.length > 0 ? roots : [paths.models];
    },
  });

  const send = (channel: string, payload: unknown) =>
    editor?.window.webContents.send(`${IPC_PREFIX}${channel}`, payload);
  const sendCommand = (command: MenuCommand) => send(MENU_CHANNEL, command);
  core.onEvent((event) => send(EVENT_CHANNEL, event));
  protocol.handle(APP_SCHEME, (request) =>
    handleAppRequest(request.url, {
      rendererDir: RENDERER_DIR,
      resolveServedFile: (path) => core.resolveServedFile(path),
    }),
  );

  const shellApi = createShellApi({
    dialogs: nativeDialogs(() => editor?.window),
    settings,
    allowed,
    graphsDir: paths.graphs,
    readGraph: (id) => core.readGraph(id),
    writeGraph: (id, graph) => core.writeGraph(id, graph),
    setWindowState: (state) => editor?.setDocumentState(state),
    queueIsEmpty: async () => (await core.queueState()).items.length === 0,
    applySettings: async (next) => {
      await engine.restart(() => startUtilityEngine(engineOptions(pathsFor(next), next.device, next)));
      refreshMenu();
    },
  });
  registerIpcHandlers(ipcMain, { host: core, shellFor: () => shellApi });

  const reportError = (error: unknown) =>
    dialog.showErrorBox('Diffgraph', error instanceof Error ? error.message : String(error));
  const refreshMenu = (): void =>
    installAppMenu({
      settings: settings.get(),
      send: sendCommand,
      openRecent: (path) => sendCommand({ type: 'open-graph', id: `file:${allowed.allow(path)}` }),
      clearRecent: () => void settings.update({ recentFiles: [] }).then(refreshMenu, reportError),
      chooseModelsFolder: () =>
        void shellApi
          .chooseModelsFolder()
          .then((dir) => (dir ? shellApi.updateSettings({ modelsDir: dir }) : null))
          .catch(reportError),
      setDevice: (device) => void shellApi.updateSettings({ device }).catch(reportError),
    });
  refreshMenu();

  editor = createEditorWindow(() => {
    openGraphPath = (path) => sendCommand({ type: 'open-graph', id: `file:${allowed.allow(path)}` });
    for (const path of pendingGraphs.splice(0)) openGraphPath(path);
    if (loaded.recovered) {
      reportError(
        `Your settings file could not be read (${loaded.recovered.reason}); it was moved to ${loaded.recovered.movedTo} and defaults are used.`,
      );
    }
  });
  editor.window.on('closed', () => {
    editor = null;
  });
  app.on('will-quit', () => void core.close());
}
