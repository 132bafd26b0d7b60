// HostApi for the editor inside the Electron app, over the preload's `window.diffgraph` bridge.
// The page is served from the app's own protocol, so file URLs have the same form as in a browser.
// Browser-safe.
import type { HostApi, ShellApi } from './api.ts';
import type { DiffgraphBridge } from './bridge.ts';
import { fileUrlFor } from './file-url.ts';
import { HostCallError } from './http-client.ts';
import type { RpcResponse } from './wire.ts';

async function unwrap<T>(pending: Promise<RpcResponse<T>>): Promise<T> {
  const envelope = await pending;
  if (!envelope.ok) throw new HostCallError(envelope.error.code, envelope.error.message);
  return envelope.result;
}

export function createIpcHostApi(bridge: DiffgraphBridge, pageOrigin = globalThis.location.origin): HostApi {
  const shell: ShellApi = {
    onMenuCommand: (listener) => bridge.onMenuCommand(listener),
    openGraphDialog: () => unwrap(bridge.openGraphDialog()),
    saveGraphDialog: (graph, suggestedName) => unwrap(bridge.saveGraphDialog(graph, suggestedName)),
    setDocumentState: (state) => unwrap(bridge.setDocumentState(state)),
    getSettings: () => unwrap(bridge.getSettings()),
    updateSettings: (patch) => unwrap(bridge.updateSettings(patch)),
    chooseModelsFolder: () => unwrap(bridge.chooseModelsFolder()),
  };
  return {
    catalogue: () => unwrap(bridge.catalogue()),
    validate: (graph) => unwrap(bridge.validate(graph)),
    queue: (graph, title) => unwrap(bridge.queue(graph, title)),
    queueState: () => unwrap(bridge.queueState()),
    cancel: (runId) => unwrap(bridge.cancel(runId)),
    onEvent: (listener) => bridge.onEvent(listener),
    fileUrl: (path) => fileUrlFor(`${pageOrigin}/`, path),
    listModels: () => unwrap(bridge.listModels()),
    loadedModels: () => unwrap(bridge.loadedModels()),
    unloadModels: () => unwrap(bridge.unloadModels()),
    devices: () => unwrap(bridge.devices()),
    listInputs: () => unwrap(bridge.listInputs()),
    uploadInput: (name, bytes) => unwrap(bridge.uploadInput(name, bytes)),
    listGraphs: () => unwrap(bridge.listGraphs()),
    readGraph: (id) => unwrap(bridge.readGraph(id)),
    writeGraph: (id, graph) => unwrap(bridge.writeGraph(id, graph)),
    graphFromPng: (bytes) => unwrap(bridge.graphFromPng(bytes)),
    shell,
  };
}
