// The one typed API the editor talks to. Two transports implement it: Electron IPC (preload)
// and HTTP + WebSocket (`diffgraph serve`). The renderer only ever sees this interface.
import type { DeviceName, NodeSchema, SOCKET_TYPES } from '../../../nodes/api.ts';
import type { EngineEvent, GraphProblem, RunResult } from '../../engine/events.ts';
import type { DeviceInfo, LoadedModelInfo, ModelInfo } from '../../runtime/index.ts';

export interface Catalogue {
  nodes: NodeSchema[];
  socketTypes: typeof SOCKET_TYPES;
}

export interface QueueItem {
  runId: string;
  title: string;
  state: 'queued' | 'running';
  queuedAt: number;
  /** The render-farm worker running it (`diffgraph serve --redis`). */
  worker?: string;
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

export interface QueueOptions {
  /** Ahead of the runs still waiting (ComfyUI's "queue front", Ctrl+Shift+Enter). */
  front?: boolean;
}

export interface HostApi {
  catalogue(): Promise<Catalogue>;
  validate(graph: unknown): Promise<GraphProblem[]>;
  /** Queue a run; returns at once. Progress and results arrive as events. */
  queue(graph: unknown, title?: string, options?: QueueOptions): Promise<{ runId: string }>;
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
  /** The graph a PNG carries (SaveImage's, or ComfyUI/A1111 metadata imported), or the graph a ComfyUI
   * workflow/prompt JSON imports to; null if the file carries none. */
  graphFromPng(bytes: Uint8Array): Promise<unknown | null>;

  /** Present only in the Electron app: native menus, dialogs and settings. Absent in a browser. */
  shell?: ShellApi;
}

/** Commands the native menu sends to the editor (the editor owns the document, so it acts on them). */
export type MenuCommand =
  | { type: 'new' }
  | { type: 'open' }
  | { type: 'save' }
  | { type: 'save-as' }
  | { type: 'run' }
  | { type: 'cancel-run' }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'fit-view' }
  | { type: 'shortcuts' }
  /** Open this graph (command line, second instance, recent files, OS file association). */
  | { type: 'open-graph'; id: string };

export interface ShellSettings {
  /** The user's models folder (null: the default ~/Diffgraph/models). */
  modelsDir: string | null;
  device: DeviceName;
  /** Absolute paths of recently opened or saved graphs, newest first. */
  recentFiles: string[];
}

export interface ShellApi {
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /** Native open dialog; the chosen file's id (usable with readGraph/writeGraph) and graph, or null. */
  openGraphDialog(): Promise<{ id: string; graph: unknown } | null>;
  /** Native save dialog, then writes the graph; returns the new id, or null if cancelled. */
  saveGraphDialog(graph: unknown, suggestedName?: string): Promise<string | null>;
  /** Window title and unsaved-changes marker (the shell asks before closing an edited document). */
  setDocumentState(state: { title: string; edited: boolean }): Promise<void>;
  getSettings(): Promise<ShellSettings>;
  /** Changing the models folder or device restarts the engine (the queue must be empty). */
  updateSettings(patch: { modelsDir?: string | null; device?: DeviceName }): Promise<ShellSettings>;
  /** Native folder picker for the models folder; the chosen path or null. */
  chooseModelsFolder(): Promise<string | null>;
}
