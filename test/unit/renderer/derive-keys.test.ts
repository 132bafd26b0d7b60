import { describe, expect, it } from 'vitest';
import { moveNodes, setWidget } from '../../../renderer/src/doc/commands.ts';
import { EdgeDeriver, FlowDeriver } from '../../../renderer/src/doc/flow-derive.ts';
import { findShortcut, keyName } from '../../../renderer/src/hooks/shortcuts.ts';
import { SCHEMA_MAP, txt2img } from './fixtures.ts';

const COLORS = { LATENT: { color: '#f48fb1' }, CLIP: { color: '#ffd54f' } };

describe('deriving React Flow elements from the document', () => {
  it('reuses node objects that did not change, so React Flow skips them', () => {
    const deriver = new FlowDeriver();
    const doc = txt2img();
    const first = deriver.nodes(doc, SCHEMA_MAP, new Set(), new Map());
    const moved = moveNodes(doc, new Map([['sampler', [700, 50]]]));
    const second = deriver.nodes(moved, SCHEMA_MAP, new Set(), new Map());
    const byId = (list: typeof first, id: string) => list.find((n) => n.id === id);
    expect(byId(second, 'pos')).toBe(byId(first, 'pos'));
    expect(byId(second, 'sampler')).not.toBe(byId(first, 'sampler'));
    expect(byId(second, 'sampler')?.position).toEqual({ x: 700, y: 50 });
    // A widget edit does not touch the React Flow node (the node component reads the document).
    const edited = setWidget(moved, 'pos', 'text', 'x');
    expect(byId(deriver.nodes(edited, SCHEMA_MAP, new Set(), new Map()), 'pos')).toBe(byId(first, 'pos'));
  });

  it('draws unknown node types as placeholders', () => {
    const doc = txt2img();
    doc.nodes.x = { type: 'Mystery', widgets: {}, position: [0, 0] };
    const nodes = new FlowDeriver().nodes(doc, SCHEMA_MAP, new Set(['x']), new Map());
    expect(nodes.find((n) => n.id === 'x')).toMatchObject({ type: 'placeholder', selected: true });
    expect(nodes.find((n) => n.id === 'pos')?.type).toBe('graph');
  });

  it('keeps the same edge array while no wire changed, and colours wires by their socket type', () => {
    const deriver = new EdgeDeriver();
    const doc = txt2img();
    const first = deriver.edges(doc, SCHEMA_MAP, COLORS, new Set());
    const second = deriver.edges(moveNodes(doc, new Map([['pos', [1, 1]]])), SCHEMA_MAP, COLORS, new Set());
    expect(second).toBe(first);
    const wire = first.find((e) => e.source === 'empty');
    expect(wire?.data).toMatchObject({ color: '#f48fb1' });
    expect(first.find((e) => e.source === 'pipe' && e.sourceHandle === 'vae')?.data).toMatchObject({
      color: '#888',
    });
  });

  it('recolours a wire when its source node changes type though the wire list is the same', () => {
    const deriver = new EdgeDeriver();
    const doc = txt2img();
    const none = new Set<string>();
    const first = deriver.edges(doc, SCHEMA_MAP, COLORS, none);
    expect(first.find((e) => e.source === 'empty')?.data).toMatchObject({ color: '#f48fb1' });
    // Same edges array and selection, but the source is now a type this catalogue does not know.
    const changed = { ...doc, nodes: { ...doc.nodes, empty: { ...doc.nodes.empty, type: 'Mystery' } } };
    const second = deriver.edges(changed, SCHEMA_MAP, COLORS, none);
    expect(second).not.toBe(first);
    expect(second.find((e) => e.source === 'empty')?.data).toMatchObject({ color: '#888' });
    const selected = deriver.edges(changed, SCHEMA_MAP, COLORS, new Set([second[0].id]));
    expect(selected[0].selected).toBe(true);
  });
});

describe('keyboard shortcuts', () => {
  const key = (k: Partial<KeyboardEvent>) =>
    keyName({ key: '', code: '', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...k });

  it('names keys the way the shortcut table does', () => {
    expect(key({ key: 'Enter', ctrlKey: true })).toBe('Ctrl+Enter');
    expect(key({ key: 'Z', ctrlKey: true, shiftKey: true })).toBe('Ctrl+Shift+Z');
    expect(key({ key: 'z', metaKey: true })).toBe('Ctrl+Z');
    expect(key({ key: 'ç', code: 'KeyC', altKey: true })).toBe('Alt+C');
    expect(key({ key: '?', shiftKey: true })).toBe('?');
    expect(key({ key: ' ' })).toBe('Space');
  });

  it('every table entry with a single chord can be found by its name', () => {
    expect(findShortcut('Ctrl+Enter')?.label).toMatch(/Run/);
    expect(findShortcut('Ctrl+Shift+Z')?.label).toBe('Redo');
    expect(findShortcut('Ctrl+Q')).toBeUndefined();
  });
});
