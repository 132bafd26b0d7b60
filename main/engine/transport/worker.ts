// The engine worker thread: owns one Engine (and so the ONNX sessions it loads), answers the
// engine method table's calls and streams run events back. ONNX Runtime blocks the thread that
// calls it, which is why the engine lives here rather than on the UI or server thread.
import { parentPort, workerData } from 'node:worker_threads';
import type { NodeDefinition } from '../../../nodes/api.ts';
import { builtinNodes } from '../../../nodes/index.ts';
import {
  autoDevices,
  availableDevices,
  listModels,
  loadedModels,
  sessionPool,
  unloadModels,
} from '../../runtime/index.ts';
import { Engine } from '../execute/engine.ts';
import { configuredMemoryBudget } from '../memory-budget.ts';
import { validateWithModels } from '../model-shape-checks.ts';
import { NodeRegistry } from '../registry.ts';
import { createRuntimeServices } from '../runtime-services.ts';
import type { EngineCalls } from './engine-calls.ts';
import type { FromEngine, ToEngine, WorkerConfig } from './protocol.ts';
import { serveEngineCalls } from './serve.ts';

function send(message: FromEngine): void {
  parentPort?.postMessage(message);
}

async function loadExtraNodes(modules: readonly string[]): Promise<NodeDefinition[]> {
  const defs: NodeDefinition[] = [];
  for (const specifier of modules) {
    const loaded = (await import(specifier)) as { nodes?: NodeDefinition[] };
    if (!Array.isArray(loaded.nodes)) throw new Error(`${specifier} does not export "nodes"`);
    defs.push(...loaded.nodes);
  }
  return defs;
}

function engineCalls(engine: Engine): EngineCalls {
  const { runtime } = engine;
  return {
    catalogue: async () => engine.registry.schemas(),
    validate: (doc) => validateWithModels(engine, doc),
    run: (doc, runId, front) =>
      engine.run(doc, { runId, front, onEvent: (event) => send({ kind: 'event', event }) }),
    cancel: async (runId) => engine.cancel(runId),
    listModels: () => listModels([runtime.paths.models, ...runtime.modelSearchPath]),
    loadedModels: async () => loadedModels(runtime),
    unloadModels: (key) => unloadModels(runtime, key),
    devices: () => availableDevices(),
    autoDevice: async () => (await autoDevices()).auto,
    modelRefs: (doc) => engine.modelReferences(doc),
  };
}

async function start(): Promise<void> {
  const config = workerData as WorkerConfig;
  let calls: EngineCalls;
  try {
    const defs = [...builtinNodes(), ...(await loadExtraNodes(config.nodeModules ?? []))];
    const runtime = createRuntimeServices(config);
    // An explicit --memory-budget also caps the weights of loaded models (free memory always does).
    sessionPool(runtime).limits.budget = configuredMemoryBudget();
    calls = engineCalls(
      new Engine({ registry: new NodeRegistry(defs), runtime, cacheBytes: config.cacheBytes }),
    );
  } catch (error) {
    send({ kind: 'startup-failed', error: (error as Error).stack ?? String(error) });
    return;
  }
  serveEngineCalls(calls, {
    postMessage: send,
    onMessage: (listener) => parentPort?.on('message', (message: ToEngine) => listener(message)),
  });
  send({ kind: 'ready' });
}

await start();
