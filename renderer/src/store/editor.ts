// The editor store. The graph document is the source of truth; React Flow's nodes and edges are
// derived from it (doc/flow-derive.ts). Every document edit goes through `commit`, which feeds undo.
import type { GraphProblem } from '../../../main/engine/events.ts';
import type { GraphFileInfo } from '../../../main/host/shared/api.ts';
import type { ModelInfo } from '../../../main/runtime/index.ts';
import type { SOCKET_TYPES } from '../../../nodes/api.ts';
import type { SocketFilter } from '../doc/fuzzy.ts';
import {
  emptyHistory,
  type History,
  record,
  redo as redoStep,
  seal,
  undo as undoStep,
} from '../doc/history.ts';
import { emptyDoc, type GraphDoc, type NodeSchema, type SocketType } from '../doc/types.ts';
import { emptyRunView, forgetDocumentRuns, pruneRunNodes, type RunView } from './run-state.ts';
import { createStore } from './store.ts';

export interface FileRef {
  id: string;
  name: string;
}

export interface CatalogueView {
  list: NodeSchema[];
  byType: ReadonlyMap<string, NodeSchema>;
  socketTypes: typeof SOCKET_TYPES;
}

/** The wire being dragged, so handles can light up or explain why they refuse it. */
export interface Connecting {
  nodeId: string;
  handle: string;
  /** The end the drag started from. */
  from: 'source' | 'target';
  type: SocketType | null;
}

export interface PaletteState {
  /** Where to put the node (canvas coordinates) and where to draw the palette (screen). */
  flow: { x: number; y: number };
  screen: { x: number; y: number };
  filter?: SocketFilter;
  /** Connect the new node to this socket once it is added. */
  wireFrom?: { nodeId: string; handle: string; from: 'source' | 'target' };
}

export type Dialog =
  | { kind: 'open' }
  | { kind: 'save-as' }
  | { kind: 'shortcuts' }
  | { kind: 'confirm'; message: string; action: () => void };

export interface ContextMenuState {
  screen: { x: number; y: number };
  flow: { x: number; y: number };
  target: { kind: 'node'; id: string } | { kind: 'pane' } | { kind: 'edge'; id: string };
}

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  message: string;
}

export interface EditorState {
  doc: GraphDoc;
  history: History<GraphDoc>;
  /** The document as last saved or opened; the file is dirty when `doc` is another object. */
  savedDoc: GraphDoc;
  file: FileRef | null;
  selected: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  measured: ReadonlyMap<string, { width: number; height: number }>;
  catalogue: CatalogueView | null;
  problems: GraphProblem[];
  /** Problems by node id (null key: the whole graph), rebuilt when validation answers. */
  problemsByNode: Record<string, GraphProblem[]>;
  run: RunView;
  /** The document each run was queued with, for the gallery's "load this graph". */
  runDocs: Record<string, GraphDoc>;
  models: ModelInfo[];
  inputs: string[];
  graphs: GraphFileInfo[];
  recent: FileRef[];
  connecting: Connecting | null;
  palette: PaletteState | null;
  dialog: Dialog | null;
  menu: ContextMenuState | null;
  toasts: Toast[];
  snap: boolean;
  minimap: boolean;
  sidePanel: 'queue' | 'gallery' | 'history' | null;
  hostState: 'connecting' | 'connected' | 'failed';
  /** Bumped when another document is opened (the view frames it). */
  docEpoch: number;
  /** True from opening a document until the view has framed it: nodes draw in low detail meanwhile. */
  fitPending: boolean;
  /** A node the view should centre (a click on a problem); `seq` makes a repeat click count. */
  focusRequest: { nodeId: string; seq: number } | null;
  /** How many runs Run queues at once (ComfyUI's batch count, "Queue ×N"). */
  queueCount: number;
}

export function initialState(): EditorState {
  const doc = emptyDoc();
  return {
    doc,
    history: emptyHistory(),
    savedDoc: doc,
    file: null,
    selected: new Set(),
    selectedEdges: new Set(),
    measured: new Map(),
    catalogue: null,
    problems: [],
    problemsByNode: {},
    run: emptyRunView(),
    runDocs: {},
    models: [],
    inputs: [],
    graphs: [],
    recent: [],
    connecting: null,
    palette: null,
    dialog: null,
    menu: null,
    toasts: [],
    snap: false,
    minimap: true,
    sidePanel: 'queue',
    hostState: 'connecting',
    docEpoch: 0,
    fitPending: false,
    focusRequest: null,
    queueCount: 1,
  };
}

export const editor = createStore<EditorState>(initialState());

/** Applies a document edit; edits with the same `groupKey` in quick succession undo as one step. */
export function commit(change: (doc: GraphDoc) => GraphDoc, groupKey: string | null = null): void {
  const s = editor.get();
  const next = change(s.doc);
  if (next === s.doc) return;
  editor.set({
    doc: next,
    history: record(s.history, s.doc, groupKey, performance.now()),
    run: pruneRunNodes(s.run, s.doc, next),
  });
}

/**
 * An edit the app makes on its own (seeds after a run): no undo step, and a document that was
 * saved stays saved (ComfyUI keeps "control after generate" out of history too).
 */
export function commitQuietly(change: (doc: GraphDoc) => GraphDoc): void {
  const s = editor.get();
  const next = change(s.doc);
  if (next === s.doc) return;
  editor.set({ doc: next, savedDoc: isDirty(s) ? s.savedDoc : next });
}

export function sealHistory(): void {
  editor.set((s) => ({ history: seal(s.history) }));
}

export function undo(): void {
  const s = editor.get();
  const step = undoStep(s.history, s.doc);
  if (step) editor.set({ doc: step.doc, history: step.history, run: pruneRunNodes(s.run, s.doc, step.doc) });
}

export function redo(): void {
  const s = editor.get();
  const step = redoStep(s.history, s.doc);
  if (step) editor.set({ doc: step.doc, history: step.history, run: pruneRunNodes(s.run, s.doc, step.doc) });
}

/** Replaces the document (open, new, template) with a fresh undo history. */
export function replaceDocument(doc: GraphDoc, file: FileRef | null): void {
  editor.set((s) => ({
    docEpoch: s.docEpoch + 1,
    fitPending: true,
    doc,
    savedDoc: doc,
    file,
    history: emptyHistory(),
    selected: new Set(),
    selectedEdges: new Set(),
    problems: [],
    problemsByNode: {},
    run: forgetDocumentRuns(s.run, Object.keys(s.runDocs)),
  }));
}

export function isDirty(s: EditorState): boolean {
  return s.doc !== s.savedDoc;
}

let toastId = 0;
export function toast(message: string, kind: Toast['kind'] = 'info'): void {
  const id = ++toastId;
  editor.set((s) => ({ toasts: [...s.toasts, { id, kind, message }].slice(-4) }));
  setTimeout(
    () => editor.set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
    kind === 'error' ? 7000 : 3500,
  );
}

export function setCatalogue(nodes: NodeSchema[], socketTypes: typeof SOCKET_TYPES): void {
  editor.set({ catalogue: { list: nodes, byType: new Map(nodes.map((n) => [n.type, n])), socketTypes } });
}

export function setProblems(problems: GraphProblem[]): void {
  const byNode: Record<string, GraphProblem[]> = {};
  for (const p of problems) {
    const key = p.nodeId ?? '';
    byNode[key] = [...(byNode[key] ?? []), p];
  }
  editor.set({ problems, problemsByNode: byNode });
}
