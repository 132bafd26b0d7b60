// The one typed API the editor talks to. Two transports implement it: Electron IPC (preload)
// and HTTP + WebSocket (`diffgraph serve`). The renderer only ever sees this interface.
import type { DeviceName, NodeSchema, SOCKET_TYPES } from '../../../nodes/api.ts';
import type { ModelFileInfo } from '../../checkpoint/scan.ts';
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
  | { type: 'run-result'; result: RunResult }
  /** The output folder's manifest changed (a run was recorded or deleted): refresh the history. */
  | { type: 'history-changed' };

/** A graph file the host can open: shipped templates, the user's graphs folder, recent files. */
export interface GraphFileInfo {
  /** Opaque id the host understands (relative path inside an allowed folder, or a recent file). */
  id: string;
  name: string;
  source: 'template' | 'graphs' | 'recent';
  title?: string;
  description?: string;
}

/** One image of a past run, as the output folder's manifest lists it. */
export interface HistoryImage {
  /** `output/<relative>`: usable with `fileUrl`. */
  path: string;
  /** This image's own seed (the run's seed + its index in the batch), when known. */
  seed?: number;
}

/** A past run from `<output>/manifest.json` (the editor's runs and `diffgraph run`'s alike). */
export interface HistoryRun {
  runId: string;
  status: 'done' | 'failed' | 'cancelled';
  /** ISO time the run finished. */
  finishedAt: string;
  totalMs: number;
  source: 'editor' | 'cli';
  title?: string;
  prompt?: string;
  sampler?: string;
  seed?: number;
  images: HistoryImage[];
  error?: string;
}

/** Checkpoints, LoRAs, VAEs and embeddings in the models folders, described from their headers. */
export interface ModelLibrary {
  /** The models folders searched, first one first. */
  roots: string[];
  files: ModelFileInfo[];
}

/** The host's models folder and device, as the settings panel shows and changes them. */
export interface HostSettings {
  /** The first models folder (null: the default one). */
  modelsDir: string | null;
  device: DeviceName;
  /** Which of them the editor may change (a command-line flag or a render farm fixes them). */
  editable: { modelsDir: boolean; device: boolean };
  /** Why a setting cannot be changed here. */
  note?: string;
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
  /** Single-file models (checkpoints, LoRAs, VAEs, embeddings) with architecture and size. */
  listModelFiles(): Promise<ModelLibrary>;
  loadedModels(): Promise<LoadedModelInfo[]>;
  /** Unload one loaded model (a LoadedModelInfo key), or all of them. */
  unloadModels(key?: string): Promise<void>;
  devices(): Promise<{ devices: DeviceInfo[]; auto: string }>;
  hostSettings(): Promise<HostSettings>;
  /** Changing the models folder or device restarts the engine (the queue must be empty). */
  updateHostSettings(patch: { modelsDir?: string | null; device?: DeviceName }): Promise<HostSettings>;
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
  /** A ComfyUI/A1111 import also carries its report as `importReport` (see ImportReport). */
  graphFromPng(bytes: Uint8Array): Promise<unknown | null>;

  /** Past runs recorded in the output folder's manifest, newest first. */
  history(): Promise<HistoryRun[]>;
  /** Remove a run's files and its manifest entry (only ever files inside the output folder). */
  deleteHistoryRun(runId: string): Promise<void>;
  /** The graph a past run ran, or null if nothing recorded it. */
  historyGraph(runId: string): Promise<unknown | null>;
  /** PNG data URLs of the templates' thumbnails, keyed by template id. */
  templateThumbnails(): Promise<Record<string, string>>;

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
