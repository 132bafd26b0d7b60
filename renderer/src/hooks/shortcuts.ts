// Keyboard shortcuts: one table drives both the handler and the shortcut sheet.
import { addNote } from '../doc/decor.ts';
import { commit, editor, redo, undo } from '../store/editor.ts';
import { editorSettings } from '../store/editor-settings.ts';
import { newGraph, save, saveAs, showOpen } from '../store/file-actions.ts';
import { cancelRun, queueRun } from '../store/run-actions.ts';
import {
  deleteSelection,
  duplicateSelection,
  flagSelection,
  groupSelection,
  layoutSelection,
  selectAll,
} from '../store/selection.ts';

export interface FlowControls {
  fitView(): void;
  /** The canvas point at the centre of the view, and that point on screen. */
  center(): { flow: { x: number; y: number }; screen: { x: number; y: number } };
}

export interface Shortcut {
  keys: string;
  label: string;
  /** Also fires while typing in a text field. */
  inFields?: boolean;
  run(flow: FlowControls): void;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: 'Ctrl+Enter', label: 'Run (queue the graph)', inFields: true, run: () => void queueRun() },
  {
    keys: 'Ctrl+Shift+Enter',
    label: 'Run next (queue at the front, ahead of waiting runs)',
    inFields: true,
    run: () => void queueRun(undefined, { front: true }),
  },
  { keys: 'Ctrl+Shift+X', label: 'Cancel the running graph', inFields: true, run: () => void cancelRun() },
  { keys: 'Ctrl+Z', label: 'Undo', run: undo },
  { keys: 'Ctrl+Shift+Z', label: 'Redo', run: redo },
  { keys: 'Ctrl+Y', label: 'Redo', run: redo },
  {
    keys: 'Ctrl+C / Ctrl+X / Ctrl+V',
    label: 'Copy, cut, paste (graph JSON, works across windows)',
    run: () => {},
  },
  { keys: 'Ctrl+D', label: 'Duplicate selection', run: duplicateSelection },
  { keys: 'Delete', label: 'Delete selection', run: deleteSelection },
  { keys: 'Backspace', label: 'Delete selection', run: deleteSelection },
  { keys: 'Ctrl+A', label: 'Select all', run: selectAll },
  { keys: 'Ctrl+G', label: 'Group selection in a frame', run: groupSelection },
  { keys: 'Ctrl+B', label: 'Bypass selection', run: () => flagSelection('bypass') },
  { keys: 'Ctrl+M', label: 'Mute selection', run: () => flagSelection('mute') },
  { keys: 'Alt+C', label: 'Collapse / expand selection', run: () => flagSelection('collapsed') },
  { keys: 'L', label: 'Auto-layout selection (or whole graph)', run: layoutSelection },
  { keys: 'F', label: 'Fit view', run: (f) => f.fitView() },
  // Space is not bound: held down, it lets a drag pan the canvas (ComfyUI's habit, React Flow's default).
  {
    keys: 'Ctrl+K',
    label: 'Search nodes to add',
    inFields: true,
    run: (f) => editor.set({ palette: f.center() }),
  },
  {
    keys: 'Shift+N',
    label: 'Add a note',
    run: (f) => commit((d) => addNote(d, [f.center().flow.x, f.center().flow.y]).doc),
  },
  { keys: 'Ctrl+S', label: 'Save', inFields: true, run: () => void save() },
  { keys: 'Ctrl+Shift+S', label: 'Save as', inFields: true, run: () => void saveAs() },
  { keys: 'Ctrl+O', label: 'Open', inFields: true, run: showOpen },
  { keys: 'Ctrl+Alt+N', label: 'New graph', inFields: true, run: newGraph },
  { keys: '?', label: 'This shortcut sheet', run: () => editor.set({ dialog: { kind: 'shortcuts' } }) },
];

/** `Ctrl+Shift+Z`-style name of a key event (Meta counts as Ctrl on macOS). */
export function keyName(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey' | 'code'>,
): string {
  const parts: string[] = [];
  if (e.ctrlKey || e.metaKey) parts.push('Ctrl');
  if (e.altKey) parts.push('Alt');
  let key = e.key === ' ' ? 'Space' : e.key.length === 1 ? e.key.toUpperCase() : e.key;
  if (e.altKey && e.code.startsWith('Key')) key = e.code.slice(3);
  if (key === '?') return '?';
  if (e.shiftKey) parts.push('Shift');
  parts.push(key);
  return parts.join('+');
}

/** The keys that trigger a shortcut now: the user's binding (settings), else its built-in keys. */
export function boundKeys(shortcut: Shortcut, bindings = editorSettings.get().keybindings): string {
  return bindings[shortcut.keys] ?? shortcut.keys;
}

export function findShortcut(name: string): Shortcut | undefined {
  const bindings = editorSettings.get().keybindings;
  return SHORTCUTS.find((s) => boundKeys(s, bindings) === name);
}
