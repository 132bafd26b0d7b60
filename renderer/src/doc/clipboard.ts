// Copy/paste as graph JSON (the same format as files), so a selection pastes into another window,
// another app instance, or a text editor. Pasting remaps ids so nothing collides.
import { newNodeId } from './commands.ts';
import { asGraphDoc, type DocEdge, type GraphDoc, type Vec2 } from './types.ts';

/** The selected nodes (and notes) with the wires between them, as a standalone document. */
export function copySelection(
  doc: GraphDoc,
  nodeIds: Iterable<string>,
  noteIds: Iterable<string> = [],
): GraphDoc {
  const ids = new Set([...nodeIds].filter((id) => doc.nodes[id]));
  const nodes = Object.fromEntries([...ids].map((id) => [id, structuredClone(doc.nodes[id])]));
  const edges = doc.edges
    .filter((e) => ids.has(e.from[0]) && ids.has(e.to[0]))
    .map((e) => structuredClone(e));
  // Wires from outside the selection, for a paste that keeps input links (Ctrl+Shift+V).
  const incoming = doc.edges
    .filter((e) => !ids.has(e.from[0]) && ids.has(e.to[0]))
    .map((e) => ({ from: e.from, to: e.to }));
  const noteSet = new Set(noteIds);
  const notes = (doc.notes ?? []).filter((n) => noteSet.has(n.id)).map((n) => structuredClone(n));
  return {
    format: 'diffgraph',
    version: 1,
    nodes,
    edges,
    ...(notes.length > 0 ? { notes } : {}),
    ...(incoming.length > 0 ? { incoming } : {}),
  };
}

/** The clip's wires from nodes outside it (recorded at copy time). */
function incomingOf(clip: GraphDoc): DocEdge[] {
  const raw = clip.incoming;
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (e): e is DocEdge =>
      Array.isArray(e?.from) && Array.isArray(e?.to) && e.from.every((v: unknown) => typeof v === 'string'),
  );
}

export function serialiseClip(clip: GraphDoc): string {
  return JSON.stringify(clip, null, 2);
}

export function parseClip(text: string): GraphDoc | null {
  try {
    return asGraphDoc(JSON.parse(text));
  } catch {
    return null;
  }
}

function topLeft(clip: GraphDoc): Vec2 {
  const points = [
    ...Object.values(clip.nodes).map((n) => n.position),
    ...(clip.notes ?? []).map((n) => n.position),
  ];
  if (points.length === 0) return [0, 0];
  return [Math.min(...points.map((p) => p[0])), Math.min(...points.map((p) => p[1]))];
}

/**
 * Adds the clip's nodes, wires and notes to `doc` with fresh ids, placed so that the clip's top-left
 * corner lands at `at`. Wires into nodes outside the clip are not in a clip, so nothing dangles.
 */
export function pasteClip(
  doc: GraphDoc,
  clip: GraphDoc,
  at: Vec2,
  options: { keepInputLinks?: boolean } = {},
): { doc: GraphDoc; nodeIds: string[]; noteIds: string[] } {
  const [ox, oy] = topLeft(clip);
  const dx = Math.round(at[0] - ox);
  const dy = Math.round(at[1] - oy);
  const idMap = new Map<string, string>();
  const nodes = { ...doc.nodes };
  for (const [oldId, node] of Object.entries(clip.nodes)) {
    const id = newNodeId({ ...doc, nodes }, node.type);
    idMap.set(oldId, id);
    nodes[id] = { ...structuredClone(node), position: [node.position[0] + dx, node.position[1] + dy] };
  }
  const edges: DocEdge[] = [];
  for (const e of clip.edges) {
    const from = idMap.get(e.from[0]);
    const to = idMap.get(e.to[0]);
    if (!from || !to) continue;
    const points = e.points?.map((p) => [p[0] + dx, p[1] + dy] as Vec2);
    edges.push({
      ...structuredClone(e),
      from: [from, e.from[1]],
      to: [to, e.to[1]],
      ...(points ? { points } : {}),
    });
  }
  // Ctrl+Shift+V: wires that fed the copied nodes from outside feed the copies too, where the
  // feeding node is in this document.
  if (options.keepInputLinks) {
    for (const e of incomingOf(clip)) {
      const to = idMap.get(e.to[0]);
      if (to && doc.nodes[e.from[0]]) edges.push({ from: [e.from[0], e.from[1]], to: [to, e.to[1]] });
    }
  }
  const used = new Set((doc.notes ?? []).map((n) => n.id));
  const noteIds: string[] = [];
  const notes = [...(doc.notes ?? [])];
  for (const note of clip.notes ?? []) {
    let n = 1;
    while (used.has(`note${n}`)) n++;
    const id = `note${n}`;
    used.add(id);
    noteIds.push(id);
    notes.push({ ...structuredClone(note), id, position: [note.position[0] + dx, note.position[1] + dy] });
  }
  const next: GraphDoc = {
    ...doc,
    nodes,
    edges: [...doc.edges, ...edges],
    ...(notes.length > 0 ? { notes } : {}),
  };
  return { doc: next, nodeIds: [...idMap.values()], noteIds };
}

/** Duplicates nodes next to themselves, keeping the wires between them. */
export function duplicate(doc: GraphDoc, nodeIds: string[], noteIds: string[] = []) {
  const clip = copySelection(doc, nodeIds, noteIds);
  const [x, y] = topLeft(clip);
  return pasteClip(doc, clip, [x + 40, y + 40]);
}
