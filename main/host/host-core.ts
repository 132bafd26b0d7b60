// The host's logic behind both transports: the node catalogue, validation, the run queue with
// event fan-out, models and devices, and file access confined to the models, input, output and
// graphs folders. The HTTP server and the Electron main process only translate calls to this.
import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { SOCKET_TYPES } from '../../nodes/api.ts';
import { setModelReferences } from '../../nodes/model-references.ts';
import type { GraphProblem } from '../engine/events.ts';
import type { EngineLike } from '../engine/transport/engine-calls.ts';
import { BUNDLED_GRAPHS_DIR, type DiffgraphPaths } from '../paths.ts';
import type { DeviceInfo, LoadedModelInfo, ModelInfo } from '../runtime/index.ts';
import { confineAbsolute, resolveInside } from './confine.ts';
import { EventHub } from './event-hub.ts';
import { type ExternalGraphFiles, GraphStore } from './graph-files.ts';
import { listInputImages, saveUpload } from './input-files.ts';
import { RunHistory } from './run-history.ts';
import { RunQueue } from './run-queue.ts';
import type {
  Catalogue,
  GraphFileInfo,
  HistoryRun,
  HostApi,
  HostEvent,
  HostSettings,
  ModelLibrary,
  QueueOptions,
  QueueState,
} from './shared/api.ts';
import { HostError } from './shared/errors.ts';
import { readTemplateThumbnails } from './template-thumbnails.ts';

/** Everything of HostApi that the server side implements (fileUrl and shell are per transport). */
export type HostCoreApi = Omit<HostApi, 'fileUrl' | 'shell'>;

/** Folders whose files the editor may display (`/files/...`, the Electron image protocol). */
export const SERVED_AREAS = ['input', 'output'] as const;
export type ServedArea = (typeof SERVED_AREAS)[number];

export interface HostCoreOptions {
  engine: EngineLike;
  paths: DiffgraphPaths;
  templatesDir?: string;
  external?: ExternalGraphFiles;
  /** Reads the graph SaveImage embeds in a PNG (defaults to main/graph/png-text.ts). */
  readPngGraph?: (png: Uint8Array) => unknown | null | Promise<unknown | null>;
  /** The models folders to list checkpoints, LoRAs... from (default: `paths.models`); read at each call
   * because the desktop app's settings can change them. */
  modelRoots?: () => readonly string[];
  /** The host's own settings (models folder, device), where it keeps any (`diffgraph serve`). */
  settings?: Pick<HostCoreApi, 'hostSettings' | 'updateHostSettings'>;
}

/** What a host without settings of its own answers (the desktop app changes them through its shell). */
const FIXED_SETTINGS: HostSettings = {
  modelsDir: null,
  device: 'auto',
  editable: { modelsDir: false, device: false },
  note: 'the models folder and device are set by the program that started the engine',
};

/** The largest input image or PNG a client may send (uploads and graphFromPng). */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
const CLOSE_SETTLE_MS = 3000;

export class HostCore implements HostCoreApi {
  readonly events = new EventHub();
  readonly graphs: GraphStore;
  private readonly queueRunner: RunQueue;
  readonly runHistory: RunHistory;

  constructor(private readonly options: HostCoreOptions) {
    this.graphs = new GraphStore({
      templatesDir: options.templatesDir ?? BUNDLED_GRAPHS_DIR,
      graphsDir: options.paths.graphs,
      external: options.external,
    });
    this.runHistory = new RunHistory({
      outputDir: options.paths.output,
      changed: () => this.events.emit({ type: 'history-changed' }),
    });
    this.queueRunner = new RunQueue({
      engine: options.engine,
      emit: (event) => {
        this.runHistory.observe(event);
        this.events.emit(event);
      },
    });
  }

  get paths(): DiffgraphPaths {
    return this.options.paths;
  }

  async catalogue(): Promise<Catalogue> {
    return { nodes: await this.options.engine.catalogue(), socketTypes: SOCKET_TYPES };
  }

  validate(graph: unknown): Promise<GraphProblem[]> {
    return this.options.engine.validate(graph);
  }

  async queue(graph: unknown, title?: string, options?: QueueOptions): Promise<{ runId: string }> {
    const docTitle = (graph as { title?: unknown }).title;
    const shown = title ?? (typeof docTitle === 'string' ? docTitle : undefined);
    const runId = this.queueRunner.enqueue(graph, shown, { front: options?.front === true });
    this.runHistory.track(runId, graph, shown);
    return { runId };
  }

  async queueState(): Promise<QueueState> {
    return this.queueRunner.state();
  }

  async cancel(runId?: string): Promise<void> {
    this.queueRunner.cancel(runId);
  }

  onEvent(listener: (event: HostEvent) => void): () => void {
    return this.events.subscribe(listener);
  }

  listModels(): Promise<ModelInfo[]> {
    return this.options.engine.listModels();
  }

  async listModelFiles(): Promise<ModelLibrary> {
    // Loaded on first use: the header readers are only needed once someone opens a picker or the library.
    const { scanModelFiles } = await import('../checkpoint/scan.ts');
    const roots = [...(this.options.modelRoots?.() ?? [this.options.paths.models])];
    return { roots, files: await scanModelFiles(roots) };
  }

  /** Where the models an imported graph names are looked for: the models folders, then the bundled ones. */
  async modelSearchPath(): Promise<string[]> {
    const { BUNDLED_MODELS_DIR } = await import('../paths.ts');
    return [
      ...new Set([...(this.options.modelRoots?.() ?? [this.options.paths.models]), BUNDLED_MODELS_DIR]),
    ];
  }

  async loadedModels(): Promise<LoadedModelInfo[]> {
    return this.options.engine.loadedModels();
  }

  unloadModels(key?: string): Promise<void> {
    return this.options.engine.unloadModels(key);
  }

  devices(): Promise<{ devices: DeviceInfo[]; auto: string }> {
    return this.options.engine.devices();
  }

  async hostSettings(): Promise<HostSettings> {
    return this.options.settings ? this.options.settings.hostSettings() : FIXED_SETTINGS;
  }

  async updateHostSettings(patch: Parameters<HostCoreApi['updateHostSettings']>[0]): Promise<HostSettings> {
    if (!this.options.settings) throw new HostError('bad-request', FIXED_SETTINGS.note ?? '');
    return this.options.settings.updateHostSettings(patch);
  }

  listInputs(): Promise<string[]> {
    return listInputImages(this.options.paths.input);
  }

  async uploadInput(name: string, bytes: Uint8Array): Promise<string> {
    if (bytes.byteLength > MAX_UPLOAD_BYTES)
      throw new HostError('bad-request', `upload "${name}" is too large`);
    return saveUpload(this.options.paths.input, name, bytes);
  }

  listGraphs(): Promise<GraphFileInfo[]> {
    return this.graphs.list();
  }

  readGraph(id: string): Promise<unknown> {
    return this.graphs.read(id);
  }

  /**
   * Saves the graph with `models: [{name, sha256}]` for the models it names, so it finds them by
   * content on another machine. If the engine cannot tell (it crashed), the graph is still saved,
   * keeping the list it had: losing the user's graph would be worse than a missing hash.
   */
  async writeGraph(id: string, graph: unknown): Promise<string> {
    let recorded = graph;
    try {
      recorded = setModelReferences(graph, await this.options.engine.modelRefs(graph));
    } catch (error) {
      console.error(`diffgraph: saving "${id}" without model hashes: ${(error as Error).message}`);
    }
    return this.graphs.write(id, recorded);
  }

  async graphFromPng(bytes: Uint8Array): Promise<unknown | null> {
    const read = this.options.readPngGraph ?? (await defaultPngGraphReader(await this.modelSearchPath()));
    try {
      return await read(bytes);
    } catch (error) {
      throw new HostError('bad-request', `not a readable PNG: ${(error as Error).message}`);
    }
  }

  history(): Promise<HistoryRun[]> {
    return this.runHistory.list();
  }

  deleteHistoryRun(runId: string): Promise<void> {
    return this.runHistory.delete(runId);
  }

  historyGraph(runId: string): Promise<unknown | null> {
    return this.runHistory.graph(runId);
  }

  templateThumbnails(): Promise<Record<string, string>> {
    return readTemplateThumbnails(this.options.templatesDir ?? BUNDLED_GRAPHS_DIR);
  }

  /**
   * The absolute path of a file the editor wants to display: an absolute path the engine reported,
   * or `<area>/<relative>`; either must lie in the input or output folder.
   */
  async resolveServedFile(path: string): Promise<string> {
    if (isAbsolute(path)) {
      for (const area of SERVED_AREAS) {
        const confined = await confineAbsolute(this.options.paths[area], path).catch(() => null);
        if (confined) return confined;
      }
      throw new HostError('forbidden', `"${path}" is not in the input or output folder`);
    }
    const slash = path.indexOf('/');
    const area = path.slice(0, slash) as ServedArea;
    if (slash < 0 || !SERVED_AREAS.includes(area)) {
      throw new HostError('forbidden', `"${path}" must start with one of: ${SERVED_AREAS.join(', ')}`);
    }
    return resolveInside(this.options.paths[area], path.slice(slash + 1), `file "${path}"`);
  }

  /** Read a served file's bytes (for transports without a file protocol). */
  async readServedFile(path: string): Promise<Buffer> {
    return readFile(await this.resolveServedFile(path));
  }

  /**
   * Stop: cancel queued and running runs, give the running one a moment to stop cleanly (a
   * sampler notices between steps), then close the engine, which ends a run that did not stop.
   */
  async close(settleMs = CLOSE_SETTLE_MS): Promise<void> {
    this.queueRunner.cancelAll();
    await settleWithin(this.queueRunner.idle(), settleMs);
    await this.options.engine.close();
    // The runs closing the engine ended are recorded in the manifest before the host is gone.
    await settleWithin(this.queueRunner.idle(), settleMs);
    await this.runHistory.settled();
  }
}

/** Waits for `work`, but no longer than `ms`. */
async function settleWithin(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([work, timeout]);
  clearTimeout(timer);
}

/**
 * Diffgraph's own PNGs, ComfyUI/A1111 PNGs and (for drops of .json files) ComfyUI workflows; models an
 * import names are looked for in the user's and the bundled models folders.
 */
async function defaultPngGraphReader(
  searchPath: readonly string[],
): Promise<(png: Uint8Array) => Promise<unknown | null>> {
  const { extractGraphFromPng } = await import('../graph/png-text.ts');
  const { graphFromForeignBytes } = await import('../interop/host-import.ts');
  return async (png) => {
    const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
    return (await graphFromForeignBytes(bytes, searchPath)) ?? extractGraphFromPng(bytes);
  };
}
