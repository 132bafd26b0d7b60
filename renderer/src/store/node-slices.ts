// What a node card draws from the editor store, with one store subscription for all cards. With a
// subscription per card, every store change (each step of a drag) ran 500 selectors through React;
// here one listener finds the nodes whose slices changed and wakes only their cards.
import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { GraphProblem } from '../../../main/engine/events.ts';
import type { DocNode } from '../doc/types.ts';
import { type EditorState, editor } from './editor.ts';
import type { NodeRunState } from './run-state.ts';

const NO_PROBLEMS: GraphProblem[] = [];

export type NodeSlices = readonly [
  node: DocNode | undefined,
  catalogue: EditorState['catalogue'],
  run: NodeRunState | undefined,
  problems: GraphProblem[],
  connecting: EditorState['connecting'],
];

function select(s: EditorState, id: string): NodeSlices {
  return [s.doc.nodes[id], s.catalogue, s.run.nodes[id], s.problemsByNode[id] ?? NO_PROBLEMS, s.connecting];
}

const listeners = new Map<string, Set<() => void>>();
let last = editor.get();

/** Ids of the nodes whose slices may differ between two states; null: every node's may. */
function changedIds(prev: EditorState, next: EditorState): Set<string> | null {
  if (prev.catalogue !== next.catalogue || prev.connecting !== next.connecting) return null;
  const ids = new Set<string>();
  const diff = <T>(a: Record<string, T>, b: Record<string, T>) => {
    if (a === b) return;
    for (const id of listeners.keys()) if (a[id] !== b[id]) ids.add(id);
  };
  diff(prev.doc.nodes, next.doc.nodes);
  diff(prev.run.nodes, next.run.nodes);
  diff(prev.problemsByNode, next.problemsByNode);
  return ids;
}

editor.subscribe(() => {
  const next = editor.get();
  const ids = changedIds(last, next);
  last = next;
  for (const [id, set] of [...listeners]) {
    if (ids && !ids.has(id)) continue;
    for (const listener of [...set]) listener();
  }
});

function subscribe(id: string, listener: () => void): () => void {
  const set = listeners.get(id) ?? new Set();
  listeners.set(id, set);
  set.add(listener);
  return () => {
    set.delete(listener);
    if (set.size === 0) listeners.delete(id);
  };
}

/** The node's document entry, the catalogue, its run state and problems, and the wire being dragged. */
export function useNodeSlices(id: string): NodeSlices {
  const cached = useRef<NodeSlices | null>(null);
  const subscribeToNode = useCallback((listener: () => void) => subscribe(id, listener), [id]);
  return useSyncExternalStore(subscribeToNode, () => {
    const next = select(editor.get(), id);
    const prev = cached.current;
    if (prev?.every((v, i) => v === next[i])) return prev;
    cached.current = next;
    return next;
  });
}
