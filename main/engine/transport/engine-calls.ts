// The engine's one method table. The worker thread and the Electron utility process answer exactly
// these calls; EngineClient, the Electron bridge client and the shell's swappable engine are all
// derived from it, and so is EngineLike, the engine the host sees.
import type { DeviceName, NodeSchema } from '../../../nodes/api.ts';
import { methodNames } from '../../rpc/remote-methods.ts';
import type { DeviceInfo, LoadedModelInfo, ModelInfo, ModelReference } from '../../runtime/index.ts';
import type { EngineEvent, GraphProblem, RunResult } from '../events.ts';

/** What a remote engine answers. Run events travel separately, each stamped with its run id. */
export interface EngineCalls {
  catalogue(): Promise<NodeSchema[]>;
  validate(doc: unknown): Promise<GraphProblem[]>;
  /**
   * Runs after the runs already accepted, or with `front` before those still waiting (the engine
   * is the one place runs are serialised).
   */
  run(doc: unknown, runId: string, front?: boolean): Promise<RunResult>;
  /** Cancels a running or waiting run, or the running one when no id is given. */
  cancel(runId?: string): Promise<void>;
  listModels(): Promise<ModelInfo[]>;
  loadedModels(): Promise<LoadedModelInfo[]>;
  /** Unload one loaded model (a LoadedModelInfo key), or all of them. */
  unloadModels(key?: string): Promise<void>;
  devices(): Promise<{ devices: DeviceInfo[]; auto: DeviceName }>;
  /** What `auto` resolves to, probing only the devices it could pick (no software-GPU probe). */
  autoDevice(): Promise<DeviceName>;
  /** The `models: [{name, sha256}]` a graph should record (hosts call it when saving). */
  modelRefs(doc: unknown): Promise<ModelReference[]>;
}

export type EngineCallName = keyof EngineCalls;

/** Calls whose answer is passed on as it is (run and cancel also involve events and run ids). */
const PASS_THROUGH = {
  catalogue: true,
  validate: true,
  listModels: true,
  loadedModels: true,
  unloadModels: true,
  devices: true,
  autoDevice: true,
  modelRefs: true,
} as const satisfies Record<Exclude<EngineCallName, 'run' | 'cancel'>, true>;

export type PassThroughName = keyof typeof PASS_THROUGH;
export const PASS_THROUGH_NAMES = methodNames(PASS_THROUGH);
export const ENGINE_CALL_NAMES: readonly EngineCallName[] = [...PASS_THROUGH_NAMES, 'run', 'cancel'];

export interface RunOptions {
  runId?: string;
  /** Called when a render-farm worker takes the run (engines that run locally never call it). */
  onWorker?: (worker: string) => void;
  /** Run before the runs still waiting ("queue at front"); the render farm ignores it. */
  front?: boolean;
}

/** The engine as the host and the CLI use it, in process or behind a transport. */
export type EngineLike = Pick<EngineCalls, PassThroughName> & {
  /** Queues a run (one at a time, in call order unless `front`); resolves when it has finished. */
  run(doc: unknown, onEvent?: (event: EngineEvent) => void, options?: RunOptions): Promise<RunResult>;
  cancel(runId?: string): void;
  close(): Promise<void> | void;
};
