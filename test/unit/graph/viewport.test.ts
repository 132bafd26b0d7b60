// The saved editor view is an optional part of the graph file: old files stay valid, a broken view
// is refused with its key named, and a round trip keeps it.
import { describe, expect, it } from 'vitest';
import { parseGraphJson, serializeGraph } from '../../../main/graph/load.ts';

const nodes = { empty: { type: 'EmptyLatent', widgets: { width: 128 } } };

describe('viewport in graph files', () => {
  it('loads a version 1 file without a viewport, and a version 0 draft, as before', () => {
    const v1 = parseGraphJson(JSON.stringify({ format: 'diffgraph', version: 1, nodes }), 'v1.json');
    expect(v1.doc.viewport).toBeUndefined();
    const v0 = { format: 'diffgraph', version: 0, nodes: [{ id: 'a', type: 'EmptyLatent' }], edges: [] };
    expect(parseGraphJson(JSON.stringify(v0), 'v0.json').doc.nodes.a?.type).toBe('EmptyLatent');
  });

  it('keeps a saved viewport through load and save', () => {
    const text = JSON.stringify({
      format: 'diffgraph',
      version: 1,
      nodes,
      viewport: { x: -40, y: 12, zoom: 1.25 },
    });
    const loaded = parseGraphJson(text, 'saved.json');
    expect(loaded.doc.viewport).toEqual({ x: -40, y: 12, zoom: 1.25 });
    expect(JSON.parse(serializeGraph(loaded.doc)).viewport).toEqual({ x: -40, y: 12, zoom: 1.25 });
  });

  it('refuses a viewport that cannot be shown, naming the key', () => {
    for (const viewport of [
      { x: 0, y: 0, zoom: 0 },
      { x: 'left', y: 0, zoom: 1 },
      { x: 0, y: 0 },
    ]) {
      const text = JSON.stringify({ format: 'diffgraph', version: 1, nodes, viewport });
      expect(() => parseGraphJson(text, 'bad.json')).toThrow(/bad\.json.*viewport\.(zoom|x)/);
    }
  });
});
