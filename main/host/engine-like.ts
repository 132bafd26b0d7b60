// What the host needs from an engine: the shape of EngineClient (main/engine/client.ts), written
// out here so the host core and its tests do not depend on a worker being started.
import type { NodeSchema } from '../../nodes/api.ts';
import type { EngineEvent, GraphProblem, RunResult } from '../engine/events.ts';
import type { DeviceInfo, LoadedModelInfo, ModelInfo, ModelReference } from '../runtime/index.ts';

export interface RunOptions {
  runId?: string;
  /** Called when a render-farm worker takes the run (engines that run locally never call it). */
  onWorker?: (worker: string) => void;
}

export interface EngineLike {
  catalogue(): Promise<NodeSchema[]>;
  validate(doc: unknown): Promise<GraphProblem[]>;
  /** One run at a time; the host passes its own run id, which the events then carry. */
  run(doc: unknown, onEvent?: (event: EngineEvent) => void, options?: RunOptions): Promise<RunResult>;
  cancel(runId?: string): void;
  listModels(): Promise<ModelInfo[]>;
  loadedModels(): Promise<LoadedModelInfo[]> | LoadedModelInfo[];
  unloadModels(): Promise<void>;
  devices(): Promise<{ devices: DeviceInfo[]; auto: string }>;
  /** `models: [{name, sha256}]` for a graph being saved (hashing needs the engine's folders). */
  modelRefs(doc: unknown): Promise<ModelReference[]>;
  close(): Promise<void> | void;
}
