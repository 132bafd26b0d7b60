// The history panel's data: every run recorded in the output folder's manifest (the editor's runs,
// recorded here as they finish, and `diffgraph run`'s), deleting a run's files and entry, and the
// graph a past run ran. Deletion only ever removes files inside the output folder.
import { readFile, unlink } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import type { RunResult } from '../engine/events.ts';
import { extractGraphFromPng } from '../graph/png-text.ts';
import { resolveInside } from './confine.ts';
import { MANIFEST_FILE, type ManifestEntry, readManifest, updateManifest } from './manifest-file.ts';
import { summarizeGraph } from './run-summary.ts';
import type { HistoryImage, HistoryRun, HostEvent } from './shared/api.ts';
import { HostError } from './shared/errors.ts';

/** Runs listed at most (newest first): a folder of 10 000 CLI runs must not stall the panel. */
export const HISTORY_LIMIT = 300;
/** Files a run may never delete, whatever its entry lists. */
const PROTECTED_FILES = new Set([MANIFEST_FILE, `${MANIFEST_FILE}.lock`, 'comfy-history.json']);

interface TrackedRun {
  graph: unknown;
  title?: string;
  startedAt?: string;
  nodes: Record<string, number>;
  cached: string[];
}

export interface RunHistoryOptions {
  outputDir: string;
  /** Told after each change to the manifest, so editors can refresh. */
  changed: () => void;
}

export class RunHistory {
  private readonly tracked = new Map<string, TrackedRun>();
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: RunHistoryOptions) {}

  /** An editor run was queued: remember its document until it finishes. */
  track(runId: string, graph: unknown, title?: string): void {
    // An engine may have started the run already, inside the call that queued it.
    this.tracked.set(runId, { nodes: {}, cached: [], ...this.tracked.get(runId), graph, title });
  }

  /** Follows the host's events; a finished run is appended to the manifest. */
  observe(event: HostEvent): void {
    if (event.type === 'run-result') {
      this.finish(event.result);
      return;
    }
    if (!('runId' in event)) return;
    if (event.type === 'run-started' && !this.tracked.has(event.runId))
      this.tracked.set(event.runId, { graph: undefined, nodes: {}, cached: [] });
    const run = this.tracked.get(event.runId);
    if (!run) return;
    if (event.type === 'run-started') run.startedAt = new Date().toISOString();
    else if (event.type === 'node-done') run.nodes[event.nodeId] = event.ms;
    else if (event.type === 'node-cached') run.cached.push(event.nodeId);
  }

  /** Resolves once every finished run so far is in the manifest. */
  settled(): Promise<void> {
    return this.writing;
  }

  async list(): Promise<HistoryRun[]> {
    const { runs } = await readManifest(this.options.outputDir);
    const newest = runs.slice(-HISTORY_LIMIT).reverse();
    return Promise.all(newest.map((entry) => this.describe(entry)));
  }

  async graph(runId: string): Promise<unknown | null> {
    const entry = (await readManifest(this.options.outputDir)).runs.find((run) => run.runId === runId);
    if (!entry) throw new HostError('not-found', `run "${runId}" is not in ${MANIFEST_FILE}`);
    return entry.document ?? (await this.graphFromImages(entry));
  }

  /**
   * Removes the run's entry and its files. Every file is confined to the output folder before
   * anything changes: one path outside it (or the manifest itself) refuses the whole deletion.
   */
  async delete(runId: string): Promise<void> {
    const { outputDir } = this.options;
    const files = await updateManifest(outputDir, async (contents) => {
      const index = contents.runs.findIndex((run) => run.runId === runId);
      if (index < 0) throw new HostError('not-found', `run "${runId}" is not in ${MANIFEST_FILE}`);
      const paths = await Promise.all((contents.runs[index].outputs ?? []).map((o) => this.confined(o.path)));
      contents.runs.splice(index, 1);
      return paths;
    });
    for (const path of files) {
      await unlink(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
    this.options.changed();
  }

  private async confined(path: string): Promise<string> {
    const rel = isAbsolute(path) ? relative(this.options.outputDir, path) : path;
    const absolute = await resolveInside(this.options.outputDir, rel, `output file "${path}"`);
    if (PROTECTED_FILES.has(relative(this.options.outputDir, absolute)))
      throw new HostError('forbidden', `output file "${path}" is the folder's record, not a run's output`);
    return absolute;
  }

  private finish(result: RunResult): void {
    const run = this.tracked.get(result.runId);
    if (!run) return;
    this.tracked.delete(result.runId);
    if (result.status === 'cancelled' && !run.startedAt) return; // never ran: nothing to keep
    const entry = this.entryFor(result, run);
    this.writing = this.writing
      .then(() => updateManifest(this.options.outputDir, ({ runs }) => void runs.push(entry)))
      .then(this.options.changed)
      .catch((error) => console.error(`diffgraph: cannot record run ${result.runId}: ${error.message}`));
  }

  private entryFor(result: RunResult, run: TrackedRun): ManifestEntry {
    const finishedAt = new Date().toISOString();
    const { seed } = summarizeGraph(run.graph);
    return {
      runId: result.runId,
      batch: 'editor',
      source: 'editor',
      title: run.title,
      graph: '',
      overrides: {},
      seed: seed ?? null,
      repeat: 1,
      status: result.status,
      startedAt: run.startedAt ?? finishedAt,
      finishedAt,
      timings: { totalMs: result.ms, nodes: run.nodes, cached: run.cached },
      outputs: result.outputs.map((output) => ({ ...output, path: this.relativeIfInside(output.path) })),
      error: result.error ?? null,
      document: run.graph,
    };
  }

  private relativeIfInside(path: string): string {
    const rel = relative(this.options.outputDir, path);
    return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  }

  private async describe(entry: ManifestEntry): Promise<HistoryRun> {
    const images: HistoryImage[] = [];
    for (const output of entry.outputs ?? []) {
      // Previews are temporary files the editor rotates out; only saved images make the history.
      if (output.kind !== 'image' || typeof output.path !== 'string' || output.meta?.preview) continue;
      const rel = isAbsolute(output.path) ? relative(this.options.outputDir, output.path) : output.path;
      if (rel.startsWith('..') || isAbsolute(rel)) continue; // not in this folder: cannot be shown
      images.push({ path: `output/${rel.replaceAll('\\', '/')}`, ...imageSeed(output.meta) });
    }
    const graph = entry.document ?? (await this.graphFromImages(entry).catch(() => null));
    const summary = summarizeGraph(graph);
    const seed = typeof entry.seed === 'number' ? entry.seed : summary.seed;
    return {
      runId: entry.runId,
      status: entry.status,
      finishedAt: typeof entry.finishedAt === 'string' ? entry.finishedAt : '',
      totalMs: typeof entry.timings?.totalMs === 'number' ? entry.timings.totalMs : 0,
      source: entry.source === 'editor' ? 'editor' : 'cli',
      ...(typeof entry.title === 'string' ? { title: entry.title } : {}),
      ...(summary.prompt !== undefined ? { prompt: summary.prompt } : {}),
      ...(summary.sampler !== undefined ? { sampler: summary.sampler } : {}),
      ...(seed !== undefined ? { seed } : {}),
      images,
      ...(entry.error?.message ? { error: entry.error.message } : {}),
    };
  }

  /** A CLI run's graph, from the first of its PNGs that carries one (confined to the output folder). */
  private async graphFromImages(entry: ManifestEntry): Promise<unknown | null> {
    for (const output of entry.outputs ?? []) {
      if (output.kind !== 'image') continue;
      const path = await this.confined(output.path).catch(() => null);
      const bytes = path ? await readFile(path).catch(() => null) : null;
      const graph = bytes ? embeddedGraph(bytes) : null;
      if (graph) return graph;
    }
    return null;
  }
}

/** Seeded noise makes batch item i use seed + i (Philox streams, see nodes/math). */
function imageSeed(meta: Record<string, unknown> | undefined): { seed?: number } {
  const seed = meta?.seed;
  const index = typeof meta?.batchIndex === 'number' ? meta.batchIndex : 0;
  return typeof seed === 'number' ? { seed: seed + index } : {};
}

/** The graph a PNG carries; null for one without, or whose text is not a graph. */
function embeddedGraph(png: Buffer): unknown | null {
  try {
    return extractGraphFromPng(png);
  } catch {
    return null;
  }
}
