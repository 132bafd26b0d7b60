// Folds host events into what the editor shows: per-node run state, the queue, the gallery.
import type { HostEvent, QueueItem } from '../../../main/host/shared/api.ts';

export type NodeRunPhase = 'waiting' | 'running' | 'cached' | 'done' | 'error';

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
}

export interface GalleryItem {
  runId: string;
  nodeId: string;
  url: string;
  path: string;
  seed?: number;
  time: number;
}

export interface RunView {
  /** The run whose node states are shown (the latest one started). */
  runId: string | null;
  nodes: Record<string, NodeRunState>;
  queue: QueueItem[];
  gallery: GalleryItem[];
  /** Last finished run's outcome line, for the status bar. */
  status: { kind: 'idle' | 'running' | 'done' | 'failed' | 'cancelled'; message: string };
}

export function emptyRunView(): RunView {
  return {
    runId: null,
    nodes: {},
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
  if (event.type === 'run-result') return view;
  if (event.type === 'run-started') {
    const nodes = Object.fromEntries(event.plan.map((id) => [id, { phase: 'waiting' as const }]));
    return {
      ...view,
      runId: event.runId,
      nodes,
      status: { kind: 'running', message: 'Running' },
    };
  }
  if (event.runId !== view.runId) return view;
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
    case 'node-output': {
      if (event.file.kind !== 'image') return view;
      const url = fileUrl(event.file.path);
      const images = [...(view.nodes[event.nodeId]?.images ?? []), url];
      const seed = typeof event.file.meta?.seed === 'number' ? event.file.meta.seed : undefined;
      const item: GalleryItem = {
        runId: event.runId,
        nodeId: event.nodeId,
        url,
        path: event.file.path,
        seed,
        time: now,
      };
      return { ...patchNode(view, event.nodeId, { images }), gallery: [item, ...view.gallery].slice(0, 200) };
    }
    case 'node-done':
      return patchNode(view, event.nodeId, { phase: 'done', ms: event.ms });
    case 'node-error':
      return patchNode(view, event.nodeId, { phase: 'error', message: event.message });
    case 'run-done':
      return { ...view, status: { kind: 'done', message: `Done in ${formatMs(event.ms)}` } };
    case 'run-failed': {
      const failed = event.nodeId
        ? patchNode(view, event.nodeId, { phase: 'error', message: event.message })
        : view;
      return { ...failed, status: { kind: 'failed', message: event.message } };
    }
    case 'run-cancelled': {
      const nodes = Object.fromEntries(
        Object.entries(view.nodes).filter(([, s]) => s.phase !== 'waiting' && s.phase !== 'running'),
      );
      return { ...view, nodes, status: { kind: 'cancelled', message: 'Run cancelled' } };
    }
    default:
      return view;
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
