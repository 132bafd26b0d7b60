// Events a run streams out, in order. Plain data (structured-clone and JSON safe), so the same
// objects cross the worker boundary, Electron IPC, the WebSocket and `diffgraph run --json`.

import type { GraphProblem } from '../graph/problems.ts';

export type { GraphProblem, ProblemCode } from '../graph/problems.ts';

/** A preview image as a PNG data URL (small: it travels with every progress event). */
export interface PreviewEventImage {
  width: number;
  height: number;
  dataUrl: string;
}

export interface OutputFileInfo {
  kind: 'image' | 'latent' | 'file';
  path: string;
  meta?: Record<string, unknown>;
}

export type EngineEvent =
  | { type: 'run-started'; runId: string; plan: string[] }
  | { type: 'node-started'; runId: string; nodeId: string; nodeType: string }
  | { type: 'node-cached'; runId: string; nodeId: string }
  | {
      type: 'node-progress';
      runId: string;
      nodeId: string;
      step: number;
      total: number;
      preview?: PreviewEventImage;
    }
  | { type: 'node-warning'; runId: string; nodeId: string; message: string }
  | { type: 'node-output'; runId: string; nodeId: string; file: OutputFileInfo }
  | {
      type: 'node-done';
      runId: string;
      nodeId: string;
      ms: number;
      /** Output values shown on the node (nodes that declare `showOutputValues`, e.g. scores). */
      values?: Record<string, number | string | boolean>;
    }
  | { type: 'node-error'; runId: string; nodeId: string; message: string }
  | { type: 'run-done'; runId: string; ms: number; outputs: OutputFileInfo[] }
  | { type: 'run-failed'; runId: string; nodeId: string | null; message: string; problems?: GraphProblem[] }
  | { type: 'run-cancelled'; runId: string };

export type EngineEventType = EngineEvent['type'];

/** The final state of a run, as returned by `run()` once its last event has been sent. */
export interface RunResult {
  runId: string;
  status: 'done' | 'failed' | 'cancelled';
  ms: number;
  outputs: OutputFileInfo[];
  error?: { nodeId: string | null; message: string };
}
