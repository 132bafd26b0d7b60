// Selection-based edits: delete, duplicate, group, bypass/mute/collapse, auto-layout, select all.

import { duplicate } from '../doc/clipboard.ts';
import { type NodeFlag, removeEdges, removeNodes, setFlag } from '../doc/commands.ts';
import { addGroup, removeDecor } from '../doc/decor.ts';
import { GROUP_PREFIX, NOTE_PREFIX } from '../doc/flow-derive.ts';
import { layoutNodes } from '../doc/layout.ts';
import { applyLayout } from '../doc/layout-carry.ts';
import { edgeKey } from '../doc/types.ts';
import { commit, editor } from './editor.ts';

export function selectedParts(selected: ReadonlySet<string> = editor.get().selected) {
  const nodes: string[] = [];
  const groups: string[] = [];
  const notes: string[] = [];
  for (const id of selected) {
    if (id.startsWith(GROUP_PREFIX)) groups.push(id.slice(GROUP_PREFIX.length));
    else if (id.startsWith(NOTE_PREFIX)) notes.push(id.slice(NOTE_PREFIX.length));
    else nodes.push(id);
  }
  return { nodes, groups, notes };
}

export function deleteSelection(): void {
  const s = editor.get();
  const { nodes, groups, notes } = selectedParts();
  commit((d) => {
    let next = removeNodes(d, nodes);
    next = removeDecor(next, new Set([...groups, ...notes]));
    return removeEdges(next, s.selectedEdges, edgeKey);
  });
  editor.set({ selected: new Set(), selectedEdges: new Set() });
}

export function duplicateSelection(): void {
  const { nodes, notes } = selectedParts();
  if (nodes.length === 0 && notes.length === 0) return;
  let created: string[] = [];
  commit((d) => {
    const r = duplicate(d, nodes, notes);
    created = [...r.nodeIds, ...r.noteIds.map((n) => NOTE_PREFIX + n)];
    return r.doc;
  });
  editor.set({ selected: new Set(created) });
}

export function flagSelection(flag: NodeFlag): void {
  const { nodes } = selectedParts();
  commit((d) => setFlag(d, nodes, flag));
}

export function selectAll(): void {
  const d = editor.get().doc;
  const ids = [...Object.keys(d.nodes), ...(d.notes ?? []).map((n) => NOTE_PREFIX + n.id)];
  editor.set({ selected: new Set(ids) });
}

/** Frames the selected nodes in a new group (a padded box around them). */
export function groupSelection(): void {
  const s = editor.get();
  const { nodes } = selectedParts();
  if (nodes.length === 0) return;
  const boxes = nodes.map((id) => {
    const p = s.doc.nodes[id].position;
    const m = s.measured.get(id) ?? { width: 220, height: 120 };
    return [p[0], p[1], p[0] + m.width, p[1] + m.height];
  });
  const x0 = Math.min(...boxes.map((b) => b[0])) - 20;
  const y0 = Math.min(...boxes.map((b) => b[1])) - 50;
  const x1 = Math.max(...boxes.map((b) => b[2])) + 20;
  const y1 = Math.max(...boxes.map((b) => b[3])) + 20;
  commit((d) => addGroup(d, [x0, y0, x1 - x0, y1 - y0]).doc);
}

/** Lays out the selection (or the whole graph when nothing is selected) in columns by data flow. */
export function layoutSelection(): void {
  const s = editor.get();
  const { nodes } = selectedParts();
  const ids = nodes.length > 1 ? nodes : Object.keys(s.doc.nodes);
  commit((d) => applyLayout(d, layoutNodes(d, ids, { sizes: s.measured }), s.measured));
}
