// Right-click menus for nodes, wires and the empty canvas.
import { removeNodes, setFlag, toggleWidgetInput } from '../doc/commands.ts';
import { addGroup, addNote } from '../doc/decor.ts';
import { copyToSystemClipboard, pasteFromSystemClipboard } from '../store/clipboard-actions.ts';
import { commit, editor } from '../store/editor.ts';
import { deleteSelection, duplicateSelection, groupSelection, layoutSelection } from '../store/selection.ts';
import { useSlice } from '../store/store.ts';

interface Item {
  label: string;
  run(): void;
}

function nodeItems(id: string): Item[] {
  const s = editor.get();
  const node = s.doc.nodes[id];
  if (!node) return [];
  const schema = s.catalogue?.byType.get(node.type);
  const inSelection = s.selected.has(id) && s.selected.size > 1;
  const ids = inSelection ? [...s.selected].filter((x) => s.doc.nodes[x]) : [id];
  /** Acts on these nodes as the selection (so selection commands apply to them). */
  const onThese = (action: () => void) => () => {
    editor.set({ selected: new Set(ids) });
    action();
  };
  const items: Item[] = [
    { label: node.bypass ? 'Stop bypassing' : 'Bypass', run: () => commit((d) => setFlag(d, ids, 'bypass')) },
    { label: node.mute ? 'Unmute' : 'Mute', run: () => commit((d) => setFlag(d, ids, 'mute')) },
    { label: node.collapsed ? 'Expand' : 'Collapse', run: () => commit((d) => setFlag(d, ids, 'collapsed')) },
    { label: 'Duplicate', run: onThese(duplicateSelection) },
    { label: 'Copy', run: onThese(() => void copyToSystemClipboard()) },
    { label: 'Group in a frame', run: onThese(groupSelection) },
    { label: 'Delete', run: () => commit((d) => removeNodes(d, ids)) },
  ];
  for (const w of schema?.widgets ?? []) {
    const converted = node.widgetInputs?.includes(w.name);
    items.push({
      label: converted ? `Turn input ${w.name} back into a widget` : `Feed ${w.name} from a wire`,
      run: () => commit((d) => toggleWidgetInput(d, id, w.name)),
    });
  }
  return items;
}

export function ContextMenu() {
  const menu = useSlice(editor, (s) => s.menu);
  if (!menu) return null;
  const at: [number, number] = [menu.flow.x, menu.flow.y];
  let items: Item[];
  if (menu.target.kind === 'node') items = nodeItems(menu.target.id);
  else if (menu.target.kind === 'edge') {
    const edgeId = menu.target.id;
    items = [
      {
        label: 'Delete wire',
        run: () => {
          editor.set({ selectedEdges: new Set([edgeId]), selected: new Set() });
          deleteSelection();
        },
      },
    ];
  } else {
    items = [
      { label: 'Add node…', run: () => editor.set({ palette: { screen: menu.screen, flow: menu.flow } }) },
      { label: 'Add note', run: () => commit((d) => addNote(d, at).doc) },
      { label: 'Add group', run: () => commit((d) => addGroup(d, [at[0], at[1], 400, 300]).doc) },
      { label: 'Paste', run: () => void pasteFromSystemClipboard(menu.flow) },
      { label: 'Auto-layout', run: layoutSelection },
    ];
  }
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: click-outside catcher; Escape also closes the menu
    <div
      className="dg-menu-backdrop"
      onPointerDown={() => editor.set({ menu: null })}
      onContextMenu={(e) => e.preventDefault()}
    >
      <ul
        className="dg-menu"
        style={{ left: menu.screen.x, top: menu.screen.y }}
        data-testid="context-menu"
        onPointerDown={(e) => e.stopPropagation()}
      >
        {items.map((item) => (
          <li key={item.label}>
            <button
              type="button"
              onClick={() => {
                editor.set({ menu: null });
                item.run();
              }}
            >
              {item.label}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
