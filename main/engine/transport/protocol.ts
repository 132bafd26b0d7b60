// The messages between an engine and its client, the same for the worker thread and the Electron
// utility process: calls from the method table (engine-calls.ts) answered by id, run events
// streamed by run id, and the start and close handshakes.
import type { DeviceName } from '../../../nodes/api.ts';
import type { EngineEvent } from '../events.ts';
import type { EngineCallName } from './engine-calls.ts';

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

export type ToEngine =
  | { kind: 'call'; id: number; method: EngineCallName; args: unknown[] }
  /** Close the engine; it answers `closed` (a utility process then exits). */
  | { kind: 'close' };

export type FromEngine =
  /** Sent once the engine has started; calls wait for it. */
  | { kind: 'ready' }
  /** Sent instead of `ready` when the engine cannot start (e.g. a node module fails to load). */
  | { kind: 'startup-failed'; error: string }
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; message: string }
  | { kind: 'event'; event: EngineEvent }
  | { kind: 'closed' };
