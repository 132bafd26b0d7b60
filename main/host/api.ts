// The one typed API the editor talks to. Two transports implement it: Electron IPC (preload)
// and HTTP + WebSocket (`diffgraph serve`). The renderer only ever sees this interface.
import type { NodeSchema, SOCKET_TYPES } from '../../nodes/api.ts';
import type { EngineEvent, GraphProblem, RunResult } from '../engine/events.ts';
import type { DeviceInfo, LoadedModelInfo, ModelInfo } from '../runtime/index.ts';

export interface Catalogue {
  nodes: NodeSchema[];
  socketTypes: typeof SOCKET_TYPES;
}

export interface QueueItem {
  runId: string;
  title: string;
  state: 'queued' | 'running';
  queuedAt: number;
}

export interface QueueState {
  items: QueueItem[];
}

/** Events pushed to the editor: the engine's run events plus queue changes and finished runs. */
export type HostEvent =
  | EngineEvent
  | { type: 'queue'; queue: QueueState }
  | { type: 'run-result'; result: RunResult };

/** A graph file the host can open: shipped templates, the user's graphs folder, recent files. */
export interface GraphFileInfo {
  /** Opaque id the host understands (relative path inside an allowed folder, or a recent file). */
  id: string;
  name: string;
  source: 'template' | 'graphs' | 'recent';
  title?: string;
  description?: string;
}

export interface HostApi {
  catalogue(): Promise<Catalogue>;
  validate(graph: unknown): Promise<GraphProblem[]>;
  /** Queue a run; returns at once. Progress and results arrive as events. */
  queue(graph: unknown, title?: string): Promise<{ runId: string }>;
  queueState(): Promise<QueueState>;
  /** Cancel a queued or running run (the running one when no id is given). */
  cancel(runId?: string): Promise<void>;
  onEvent(listener: (event: HostEvent) => void): () => void;

  /** URL the renderer can show for an output/input file path reported by the engine. */
  fileUrl(path: string): string;
  listModels(): Promise<ModelInfo[]>;
  loadedModels(): Promise<LoadedModelInfo[]>;
  unloadModels(): Promise<void>;
  devices(): Promise<{ devices: DeviceInfo[]; auto: string }>;
  /** Image files (relative names) in the input folder, for LoadImage pickers. */
  listInputs(): Promise<string[]>;
  /** Store an image in the input folder; returns its relative name. */
  uploadInput(name: string, bytes: Uint8Array): Promise<string>;

  listGraphs(): Promise<GraphFileInfo[]>;
  readGraph(id: string): Promise<unknown>;
  /** Save into the user's graphs folder (or the path the id names in Electron); returns the new id. */
  writeGraph(id: string, graph: unknown): Promise<string>;
  /** The graph embedded in a PNG made by SaveImage, or null if it carries none. */
  graphFromPng(bytes: Uint8Array): Promise<unknown | null>;
}
