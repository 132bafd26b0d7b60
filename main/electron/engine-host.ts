// Entry of the engine's utility process (loaded by engine-process.cjs): starts the worker-backed
// engine and serves it to the main process over Electron's parentPort.
import { EngineClient } from '../engine/transport/client.ts';
import { type FromEngine, type ParentPort, serveEngine, type ToEngine } from './engine-bridge.ts';
import { engineOptionsFromArgv } from './engine-options.ts';

interface ElectronParentPort {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
if (!parentPort) throw new Error('engine-host must run in an Electron utilityProcess');

const port: ParentPort = {
  postMessage: (message: FromEngine) => parentPort.postMessage(message),
  onMessage: (listener) => parentPort.on('message', (message) => listener(message.data as ToEngine)),
};

// Graphs opened in the editor may come from anyone: their paths stay inside the app's folders.
const engine = await EngineClient.start({
  ...engineOptionsFromArgv(process.argv),
  allowAbsolutePaths: false,
});
serveEngine(engine, port, () => process.exit(0));
