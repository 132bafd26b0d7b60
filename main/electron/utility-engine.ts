// Starts the engine in an Electron utilityProcess and talks to it through the bridge protocol.
// (Thin adapter: the protocol itself lives in engine-bridge.ts.)
import { fileURLToPath } from 'node:url';
import { utilityProcess } from 'electron';
import { type ChildPort, EngineBridgeClient, type FromEngine } from './engine-bridge.ts';
import { type EngineProcessOptions, engineOptionsArg } from './engine-options.ts';

const ENTRY = fileURLToPath(new URL('./engine-process.cjs', import.meta.url));

export async function startUtilityEngine(options: EngineProcessOptions): Promise<EngineBridgeClient> {
  const child = utilityProcess.fork(ENTRY, [engineOptionsArg(options)], {
    serviceName: 'Diffgraph engine',
    stdio: 'inherit',
  });
  const port: ChildPort = {
    postMessage: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', (message: unknown) => listener(message as FromEngine)),
    onExit: (listener) => child.on('exit', (code) => listener(code)),
    kill: () => {
      child.kill();
    },
  };
  const client = new EngineBridgeClient(port);
  await client.ready;
  return client;
}
