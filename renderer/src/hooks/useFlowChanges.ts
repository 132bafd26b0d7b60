// Turns React Flow's change events (drag, select, measure) into store updates.
import { type EdgeChange, type Node, type NodeChange, useStoreApi } from '@xyflow/react';
import { useCallback } from 'react';
import { moveNodes } from '../doc/commands.ts';
import { itemsInGroup, moveGroup, updateNote } from '../doc/decor.ts';
import { GROUP_PREFIX, NOTE_PREFIX } from '../doc/flow-derive.ts';
import type { GraphDoc, Vec2 } from '../doc/types.ts';
import { clearDragPositions, draggedPositions, dragTo } from '../store/drag-positions.ts';
import { commit, editor, sealHistory } from '../store/editor.ts';

function applyMoves(doc: GraphDoc, moves: Map<string, Vec2>): GraphDoc {
  let next = doc;
  const carried = new Set<string>();
  for (const [id, p] of moves) {
    if (!id.startsWith(GROUP_PREFIX)) continue;
    const gid = id.slice(GROUP_PREFIX.length);
    const group = next.groups?.find((g) => g.id === gid);
    if (!group) continue;
    const inside = itemsInGroup(next, group);
    for (const n of inside.nodes) carried.add(n);
    for (const n of inside.notes) carried.add(NOTE_PREFIX + n);
    next = moveGroup(next, gid, p);
  }
  const nodeMoves = new Map<string, Vec2>();
  for (const [id, p] of moves) {
    if (carried.has(id) || id.startsWith(GROUP_PREFIX)) continue;
    if (id.startsWith(NOTE_PREFIX))
      next = updateNote(next, id.slice(NOTE_PREFIX.length), {
        position: [Math.round(p[0]), Math.round(p[1])],
      });
    else nodeMoves.set(id, p);
  }
  return moveNodes(next, nodeMoves);
}

/** Graph nodes (not groups or notes, which carry or resize others) move on the canvas only until the drag ends. */
const isGraphNode = (id: string) => !id.startsWith(GROUP_PREFIX) && !id.startsWith(NOTE_PREFIX);

/** A drag step of graph nodes only: drawn from drag-positions, written to the document at drag end. */
function isCanvasOnlyStep(changes: NodeChange[]): boolean {
  let any = false;
  for (const c of changes) {
    if (c.type !== 'position') continue;
    if (c.dragging !== true || !isGraphNode(c.id)) return false;
    any = true;
  }
  return any;
}

/** React Flow's nodes with the dragged ones moved (the rest are the same objects, so it skips them). */
export function withPositions(nodes: Node[], moving: ReadonlyMap<string, Vec2>): Node[] {
  if (moving.size === 0) return nodes;
  return nodes.map((n) => {
    const p = moving.get(n.id);
    return p ? { ...n, position: { x: p[0], y: p[1] } } : n;
  });
}

export function useFlowChanges() {
  const flowStore = useStoreApi();
  const onNodesChange = useCallback(
    (changes: NodeChange[]) => {
      const moves = new Map<string, Vec2>();
      let dragEnded = false;
      let selected: Set<string> | null = null;
      let measured: Map<string, { width: number; height: number }> | null = null;
      const s = editor.get();
      const canvasOnly = isCanvasOnlyStep(changes);
      for (const c of changes) {
        if (c.type === 'position' && c.position) moves.set(c.id, [c.position.x, c.position.y]);
        if (c.type === 'position' && c.dragging === false) dragEnded = true;
        if (c.type === 'select') {
          selected ??= new Set(s.selected);
          if (c.selected) selected.add(c.id);
          else selected.delete(c.id);
        }
        if (c.type === 'dimensions' && c.dimensions && !c.id.startsWith(GROUP_PREFIX)) {
          measured ??= new Map(s.measured);
          measured.set(c.id, { width: c.dimensions.width, height: c.dimensions.height });
        }
      }
      if (canvasOnly) {
        // Straight into React Flow's store: the canvas component does not re-render per drag step.
        dragTo(moves);
        const flow = flowStore.getState();
        flow.setNodes(withPositions(flow.nodes, moves));
      } else if (moves.size > 0) {
        // Drag end (or a move of groups and notes, or by the keyboard): the positions the canvas drew
        // meanwhile go into the document with it, as one undo step.
        for (const [id, p] of draggedPositions()) if (!moves.has(id)) moves.set(id, p);
        commit((d) => applyMoves(d, moves), `move:${[...moves.keys()].sort().join(',')}`);
        clearDragPositions();
      }
      if (dragEnded) sealHistory();
      if (selected || measured)
        editor.set({ ...(selected ? { selected } : {}), ...(measured ? { measured } : {}) });
    },
    [flowStore],
  );

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    let selected: Set<string> | null = null;
    for (const c of changes) {
      if (c.type !== 'select') continue;
      selected ??= new Set(editor.get().selectedEdges);
      if (c.selected) selected.add(c.id);
      else selected.delete(c.id);
    }
    if (selected) editor.set({ selectedEdges: selected });
  }, []);

  return { onNodesChange, onEdgesChange };
}
