// Folds host events into what the editor shows: per-node run state, the queue, the gallery.
import type { GraphProblem } from '../../../main/engine/events.ts';
import type { HostEvent, QueueItem } from '../../../main/host/shared/api.ts';

/** `skipped`: the run ended (failed) before this planned node ran. */
export type NodeRunPhase = 'waiting' | 'running' | 'cached' | 'done' | 'error' | 'skipped';

export interface NodeRunState {
  phase: NodeRunPhase;
  step?: number;
  total?: number;
  ms?: number;
  message?: string;
  warnings?: string[];
  preview?: string;
  /** Image URLs this node wrote during the latest run. */
  images?: string[];
  /** Each image's own seed (the run's seed + its batch index), null where unknown. */
  imageSeeds?: (number | null)[];
  /** Output values the node shows after the run (scores), by output name. */
  values?: Record<string, number | string | boolean>;
}

export interface GalleryItem {
  runId: string;
  nodeId: string;
  url: string;
  path: string;
  seed?: number;
  time: number;
}

/** A run validation refused before it started, with the problems that stopped it. */
export interface RefusedRun {
  id: string;
  time: number;
  problems: GraphProblem[];
}

export interface RunView {
  /** The run whose node states are shown (the latest one started for the open document). */
  runId: string | null;
  nodes: Record<string, NodeRunState>;
  /** Runs of documents no longer open: their events never touch the nodes of this one. */
  foreign: string[];
  refused: RefusedRun[];
  queue: QueueItem[];
  gallery: GalleryItem[];
  /** Last finished run's outcome line, for the status bar. */
  status: { kind: 'idle' | 'running' | 'done' | 'failed' | 'cancelled'; message: string };
}

export function emptyRunView(): RunView {
  return {
    runId: null,
    nodes: {},
    foreign: [],
    refused: [],
    queue: [],
    gallery: [],
    status: { kind: 'idle', message: '' },
  };
}

function patchNode(view: RunView, nodeId: string, change: Partial<NodeRunState>): RunView {
  const prev = view.nodes[nodeId] ?? { phase: 'waiting' };
  return { ...view, nodes: { ...view.nodes, [nodeId]: { ...prev, ...change } } };
}

export function applyHostEvent(
  view: RunView,
  event: HostEvent,
  fileUrl: (p: string) => string,
  now = Date.now(),
): RunView {
  if (event.type === 'queue') return { ...view, queue: event.queue.items };
  if (event.type === 'run-result' || event.type === 'history-changed') return view;
  if (view.foreign.includes(event.runId))
    return event.type === 'node-output' ? addToGallery(view, event, fileUrl, now, false) : view;
  if (event.type === 'run-started') {
    const nodes = Object.fromEntries(event.plan.map((id) => [id, { phase: 'waiting' as const }]));
    return {
      ...view,
      runId: event.runId,
      nodes,
      status: { kind: 'running', message: 'Running' },
    };
  }
  if (event.runId !== view.runId) return otherRunEvent(view, event, fileUrl, now);
  switch (event.type) {
    case 'node-started':
      return patchNode(view, event.nodeId, { phase: 'running', step: undefined, total: undefined });
    case 'node-cached':
      return patchNode(view, event.nodeId, { phase: 'cached' });
    case 'node-progress':
      return patchNode(view, event.nodeId, {
        phase: 'running',
        step: event.step,
        total: event.total,
        ...(event.preview ? { preview: event.preview.dataUrl } : {}),
      });
    case 'node-warning': {
      const warnings = [...(view.nodes[event.nodeId]?.warnings ?? []), event.message];
      return patchNode(view, event.nodeId, { warnings });
    }
    case 'node-output':
      return addToGallery(view, event, fileUrl, now, true);
    case 'node-done':
      return patchNode(view, event.nodeId, { phase: 'done', ms: event.ms, values: event.values });
    case 'node-error':
      return patchNode(view, event.nodeId, { phase: 'error', message: event.message });
    case 'run-done':
      return {
        ...finishNodes(view, null),
        status: { kind: 'done', message: `Done in ${formatMs(event.ms)}` },
      };
    case 'run-failed': {
      const failed = event.nodeId
        ? patchNode(view, event.nodeId, { phase: 'error', message: event.message })
        : view;
      return { ...finishNodes(failed, 'skipped'), status: { kind: 'failed', message: event.message } };
    }
    case 'run-cancelled':
      return { ...finishNodes(view, null), status: { kind: 'cancelled', message: 'Run cancelled' } };
    default:
      return view;
  }
}

type OutputEvent = Extract<HostEvent, { type: 'node-output' }>;

/** Adds an output image to the gallery, and to its node when the run is the one shown. */
function addToGallery(
  view: RunView,
  event: OutputEvent,
  fileUrl: (p: string) => string,
  now: number,
  onNode: boolean,
): RunView {
  if (event.file.kind !== 'image') return view;
  const url = fileUrl(event.file.path);
  const seed = imageSeed(event.file.meta);
  const item: GalleryItem = {
    runId: event.runId,
    nodeId: event.nodeId,
    url,
    path: event.file.path,
    seed,
    time: now,
  };
  const gallery = [item, ...view.gallery].slice(0, 200);
  if (!onNode) return { ...view, gallery };
  const images = [...(view.nodes[event.nodeId]?.images ?? []), url];
  const imageSeeds = [...(view.nodes[event.nodeId]?.imageSeeds ?? []), seed ?? null];
  return { ...patchNode(view, event.nodeId, { images, imageSeeds }), gallery };
}

/** Seeded noise gives batch item i the seed + i (one Philox stream per item). */
function imageSeed(meta: Record<string, unknown> | undefined): number | undefined {
  if (typeof meta?.seed !== 'number') return undefined;
  return meta.seed + (typeof meta.batchIndex === 'number' ? meta.batchIndex : 0);
}

/** Events of a run that is not the one shown: outputs still reach the gallery; a refusal is listed. */
function otherRunEvent(
  view: RunView,
  event: HostEvent,
  fileUrl: (p: string) => string,
  now: number,
): RunView {
  if (event.type === 'node-output') return addToGallery(view, event, fileUrl, now, false);
  // Validation refused the run before it started: it never sent run-started.
  if (event.type === 'run-failed' && event.problems?.length)
    return refuseRun(view, event.runId, event.problems, now);
  return view;
}

/** Records a run that validation refused: an entry in the queue panel and the status line. */
export function refuseRun(view: RunView, id: string, problems: GraphProblem[], now: number): RunView {
  const noun = problems.length === 1 ? 'problem' : 'problems';
  return {
    ...view,
    refused: [{ id, time: now, problems }, ...view.refused.filter((r) => r.id !== id)].slice(0, 5),
    status: { kind: 'failed', message: `Run refused: ${problems.length} ${noun}` },
  };
}

export function dismissRefused(view: RunView, id: string): RunView {
  return { ...view, refused: view.refused.filter((r) => r.id !== id) };
}

/**
 * A run has ended: no node stays waiting or running. Nodes it never reached lose their state
 * (`finished` null) or are marked (e.g. skipped after a failure).
 */
function finishNodes(view: RunView, finished: NodeRunPhase | null): RunView {
  const nodes: Record<string, NodeRunState> = {};
  for (const [id, state] of Object.entries(view.nodes)) {
    if (state.phase !== 'waiting' && state.phase !== 'running') nodes[id] = state;
    else if (finished) nodes[id] = { phase: finished };
  }
  return { ...view, nodes };
}

const FOREIGN_LIMIT = 500;

/**
 * Another document was opened: the runs so far (shown, queued, or queued from this editor) belong
 * to the old one, so their node states are dropped and their later events never reach these nodes.
 */
export function forgetDocumentRuns(view: RunView, earlierRuns: Iterable<string>): RunView {
  const ids = new Set([...view.foreign, ...earlierRuns, ...view.queue.map((q) => q.runId)]);
  if (view.runId) ids.add(view.runId);
  return {
    ...view,
    runId: null,
    nodes: {},
    refused: [],
    foreign: [...ids].slice(-FOREIGN_LIMIT),
    status: { kind: 'idle', message: '' },
  };
}

/**
 * An edit added, removed or retyped nodes: state recorded under an id belongs to the node that had
 * that id when the run happened, so a node that is new under an old id starts clean.
 */
export function pruneRunNodes(
  view: RunView,
  before: { nodes: Record<string, { type: string }> },
  after: { nodes: Record<string, { type: string }> },
): RunView {
  let nodes: Record<string, NodeRunState> | null = null;
  for (const id of Object.keys(view.nodes)) {
    const was = before.nodes[id];
    const now = after.nodes[id];
    if (was && now && was.type === now.type) continue;
    nodes ??= { ...view.nodes };
    delete nodes[id];
  }
  return nodes ? { ...view, nodes } : view;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
