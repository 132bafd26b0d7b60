// The typed message protocol between EngineClient and the engine worker thread. Every request
// carries an id and gets exactly one response with that id; run events stream separately.
import type { DeviceName, NodeSchema } from '../../../nodes/api.ts';
import type { DeviceInfo, LoadedModelInfo, ModelInfo, ModelReference } from '../../runtime/index.ts';
import type { EngineEvent, GraphProblem, RunResult } from '../events.ts';

/** workerData: what the worker needs to build its runtime and engine. */
export interface WorkerConfig {
  paths: { models: string; input: string; output: string };
  device?: DeviceName;
  cacheBytes?: number;
  modelSearchPath?: readonly string[];
  /** Absolute paths in graph widgets anywhere: true only for the CLI (default false). */
  allowAbsolutePaths?: boolean;
  /** Extra modules (absolute paths or URLs) exporting `nodes: NodeDefinition[]`, e.g. test nodes. */
  nodeModules?: readonly string[];
}

/** Method name -> parameters and result. */
export interface EngineMethods {
  catalogue: { params: Record<string, never>; result: NodeSchema[] };
  validate: { params: { doc: unknown }; result: GraphProblem[] };
  run: { params: { doc: unknown; runId: string }; result: RunResult };
  cancel: { params: { runId?: string }; result: null };
  listModels: { params: Record<string, never>; result: ModelInfo[] };
  loadedModels: { params: Record<string, never>; result: LoadedModelInfo[] };
  unloadModels: { params: Record<string, never>; result: null };
  devices: { params: Record<string, never>; result: { devices: DeviceInfo[]; auto: DeviceName } };
  /** What `auto` resolves to, probing only the devices it could pick (no software-GPU probe). */
  autoDevice: { params: Record<string, never>; result: DeviceName };
  /** The `models: [{name, sha256}]` a graph should record (hosts call it when saving). */
  modelRefs: { params: { doc: unknown }; result: ModelReference[] };
}

export type MethodName = keyof EngineMethods;

export type WorkerRequest = {
  [M in MethodName]: { kind: 'request'; id: number; method: M; params: EngineMethods[M]['params'] };
}[MethodName];

export type WorkerResponse =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string };

export type WorkerMessage =
  | WorkerResponse
  | { kind: 'event'; event: EngineEvent }
  /** Sent once the worker has loaded its nodes and is ready for requests. */
  | { kind: 'ready' }
  /** Sent instead of `ready` when the worker cannot start (e.g. a node module fails to load). */
  | { kind: 'startup-failed'; error: string };
