// Adding a node from the search palette, wiring it to the dragged socket when there is one.
import { addNode, connect, toggleWidgetInput, updateNode } from '../doc/commands.ts';
import { acceptsSocket } from '../doc/fuzzy.ts';
import { estimateNodeSize, freePosition, nodeRects } from '../doc/placement.ts';
import { adoptWidget } from '../doc/primitive-from-widget.ts';
import type { GraphDoc, NodeSchema, Vec2 } from '../doc/types.ts';
import { canvasArea, revealRect } from './canvas-bridge.ts';
import { commit, editor, type PaletteState } from './editor.ts';

export function openPalette(palette: PaletteState): void {
  editor.set({ palette, dialog: null });
}

export function closePalette(): void {
  editor.set({ palette: null });
}

export function addFromPalette(schema: NodeSchema): void {
  const p = editor.get().palette;
  if (!p) return;
  editor.set({ palette: null });
  addNodeAt(schema, p);
}

/**
 * Adds a node at a canvas point (the palette, the node library's click or drop), wires it to the
 * dragged socket when there is one, and selects it. Returns the new node's id.
 */
export function addNodeAt(
  schema: NodeSchema,
  p: Pick<PaletteState, 'flow' | 'filter' | 'wireFrom'>,
  widgets: Record<string, unknown> = {},
): string {
  let created = '';
  const size = estimateNodeSize(schema);
  let placed: Vec2 = [p.flow.x, p.flow.y];
  commit((d) => {
    const fromInput = p.wireFrom?.from === 'target';
    const wanted: Vec2 = [fromInput ? p.flow.x - size.width : p.flow.x, p.flow.y - 20];
    placed = freePosition(wanted, size, nodeRects(d, editor.get().measured), canvasArea());
    const added = addNode(d, schema, placed);
    const r = Object.keys(widgets).length === 0 ? added : withWidgets(added, widgets);
    created = r.id;
    if (!p.wireFrom || !p.filter) return r.doc;
    const port = acceptsSocket(schema, p.filter);
    if (!port) return r.doc;
    const w = p.wireFrom;
    if (w.from === 'target') {
      const schemas = editor.get().catalogue?.byType;
      const primitive = schema.category === 'primitives' && schema.widgets.length === 1;
      const adopted =
        schemas && primitive
          ? adoptWidget(r.doc, schemas, r.id, schema.widgets[0].name, { nodeId: w.nodeId, widget: w.handle })
          : r.doc;
      return connect(adopted, { from: [r.id, port], to: [w.nodeId, w.handle] });
    }
    const isWidget = !schema.inputs.some((i) => i.name === port);
    const doc = isWidget ? toggleWidgetInput(r.doc, r.id, port) : r.doc;
    return connect(doc, { from: [w.nodeId, w.handle], to: [r.id, port] });
  });
  if (!created) return created;
  editor.set({ selected: new Set([created]), selectedEdges: new Set() });
  revealRect({ x: placed[0], y: placed[1], ...size });
  return created;
}

function withWidgets(r: { doc: GraphDoc; id: string }, widgets: Record<string, unknown>) {
  return { id: r.id, doc: updateNode(r.doc, r.id, (n) => ({ ...n, widgets: { ...n.widgets, ...widgets } })) };
}
