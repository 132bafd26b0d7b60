// Copy, cut and paste through the system clipboard as graph JSON (works across windows and apps).
import { copySelection, parseClip, pasteClip, serialiseClip } from '../doc/clipboard.ts';
import { NOTE_PREFIX } from '../doc/flow-derive.ts';
import { pasteSpot } from '../doc/paste-placement.ts';
import { canvasArea } from './canvas-bridge.ts';
import { commit, editor, toast } from './editor.ts';
import { deleteSelection, selectedParts } from './selection.ts';

/** The selection as clipboard text, or null when nothing is selected. */
export function clipText(): string | null {
  const { nodes, notes } = selectedParts();
  if (nodes.length === 0 && notes.length === 0) return null;
  return serialiseClip(copySelection(editor.get().doc, nodes, notes));
}

export function cutSelection(): string | null {
  const text = clipText();
  if (text) deleteSelection();
  return text;
}

/**
 * Pastes graph JSON at a canvas position, moved as little as needed to cover no existing node;
 * returns false when the text is not a graph.
 */
export function pasteText(text: string, at: { x: number; y: number }, keepInputLinks = false): boolean {
  const clip = parseClip(text);
  if (!clip) return false;
  if (Object.keys(clip.nodes).length === 0 && !clip.notes?.length) return false;
  let created: string[] = [];
  commit((d) => {
    const { measured, catalogue } = editor.get();
    const spot = pasteSpot(d, clip, [at.x, at.y], measured, catalogue?.byType ?? null, canvasArea());
    const r = pasteClip(d, clip, spot, { keepInputLinks });
    created = [...r.nodeIds, ...r.noteIds.map((n) => NOTE_PREFIX + n)];
    return r.doc;
  });
  editor.set({ selected: new Set(created), selectedEdges: new Set() });
  return true;
}

export async function copyToSystemClipboard(): Promise<void> {
  const text = clipText();
  if (!text) return;
  try {
    await navigator.clipboard.writeText(text);
  } catch (error) {
    toast(`Could not write the clipboard: ${(error as Error).message}`, 'error');
  }
}

export async function pasteFromSystemClipboard(at: { x: number; y: number }): Promise<void> {
  try {
    const text = await navigator.clipboard.readText();
    if (!pasteText(text, at)) toast('The clipboard holds no Diffgraph nodes');
  } catch (error) {
    toast(`Could not read the clipboard: ${(error as Error).message}`, 'error');
  }
}
