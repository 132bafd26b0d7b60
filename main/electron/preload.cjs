// The editor page's only door to the main process. It runs sandboxed (no Node, no local
// requires), so the channel list is written out here; a unit test checks it equals the channel
// map in main/host/shared/channels.ts. One function per fixed channel; no generic invoke or send.
const { contextBridge, ipcRenderer } = require('electron');

const PREFIX = 'diffgraph:';
const HOST_CHANNELS = [
  'catalogue',
  'validate',
  'queue',
  'queueState',
  'cancel',
  'listModels',
  'listModelFiles',
  'loadedModels',
  'unloadModels',
  'devices',
  'hostSettings',
  'updateHostSettings',
  'listInputs',
  'uploadInput',
  'listGraphs',
  'readGraph',
  'writeGraph',
  'graphFromPng',
  'history',
  'deleteHistoryRun',
  'historyGraph',
  'templateThumbnails',
];
const SHELL_CHANNELS = [
  'openGraphDialog',
  'saveGraphDialog',
  'setDocumentState',
  'getSettings',
  'updateSettings',
  'chooseModelsFolder',
];

/** Subscribe to a push channel; the listener gets the payload only, never the IPC event. */
function subscribe(channel, listener) {
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  const wrapped = (_event, payload) => listener(payload);
  ipcRenderer.on(PREFIX + channel, wrapped);
  return () => ipcRenderer.removeListener(PREFIX + channel, wrapped);
}

// Menu commands that arrive before the editor subscribes (a graph named on the command line is
// sent as soon as the page loads) are kept and handed to the first subscriber.
const earlyMenuCommands = [];
let menuListeners = 0;
ipcRenderer.on(`${PREFIX}menu`, (_event, command) => {
  if (menuListeners === 0) earlyMenuCommands.push(command);
});

function subscribeMenu(listener) {
  const unsubscribe = subscribe('menu', listener);
  menuListeners += 1;
  for (const command of earlyMenuCommands.splice(0)) queueMicrotask(() => listener(command));
  let active = true;
  return () => {
    if (!active) return;
    active = false;
    menuListeners -= 1;
    unsubscribe();
  };
}

const bridge = {
  onEvent: (listener) => subscribe('event', listener),
  onMenuCommand: (listener) => subscribeMenu(listener),
};
for (const name of [...HOST_CHANNELS, ...SHELL_CHANNELS]) {
  const channel = PREFIX + name;
  bridge[name] = (...args) => ipcRenderer.invoke(channel, ...args);
}

contextBridge.exposeInMainWorld('diffgraph', Object.freeze(bridge));
