// A paste's extent (its nodes' and notes' boxes together) and where it lands: at the pointer when
// that is free, else the nearest spot (20 px grid, 20 px margin) where it covers no node.
import { describe, expect, it } from 'vitest';
import { clipExtent, pasteSpot } from '../../../renderer/src/doc/paste-placement.ts';
import type { GraphDoc } from '../../../renderer/src/doc/types.ts';

function doc(nodes: Record<string, [number, number]>, notes: GraphDoc['notes'] = []): GraphDoc {
  return {
    format: 'diffgraph',
    version: 1,
    nodes: Object.fromEntries(
      Object.entries(nodes).map(([id, position]) => [id, { type: 'Int', widgets: {}, position }]),
    ),
    edges: [],
    notes,
  } as GraphDoc;
}

const sizes = new Map([
  ['a', { width: 100, height: 50 }],
  ['b', { width: 100, height: 50 }],
  ['old', { width: 240, height: 160 }],
]);

describe('clipExtent', () => {
  it('spans every node and note of the clip from its top-left corner', () => {
    const clip = doc({ a: [10, 20], b: [210, 120] }, [
      { id: 'note1', text: '', position: [0, 300], size: [50, 40] },
    ]);
    // x: 0 (the note) .. 310 (b's right side); y: 20 (a) .. 340 (the note's bottom).
    expect(clipExtent(clip, sizes, null)).toEqual({ width: 310, height: 320 });
  });

  it('uses the assumed size of a node the canvas has not measured', () => {
    expect(clipExtent(doc({ unseen: [0, 0] }), new Map(), null)).toEqual({ width: 240, height: 160 });
  });
});

describe('pasteSpot', () => {
  it('keeps the pointer when the clip covers nothing there', () => {
    expect(pasteSpot(doc({ old: [1000, 1000] }), doc({ a: [0, 0] }), [10, 10], sizes, null)).toEqual([
      10, 10,
    ]);
  });

  it('moves the whole clip to the nearest free spot when the pointer is on a node', () => {
    // The node spans x -20..260, y -20..180 with its margin; the 100x50 clip is clear of it 80 px
    // up (y -70, bottom at -20), 120 px left, 180 px down or 260 px right: up is nearest.
    expect(pasteSpot(doc({ old: [0, 0] }), doc({ a: [500, 500] }), [10, 10], sizes, null)).toEqual([10, -70]);
  });

  it('keeps all of a clip of several nodes clear, not only its first node', () => {
    // a at the pointer would be clear of the node below; b (200 px lower) would not.
    const spot = pasteSpot(doc({ old: [0, 200] }), doc({ a: [0, 0], b: [0, 200] }), [0, -50], sizes, null);
    const [x, y] = spot;
    const clear = (top: number) => top + 50 <= 180 || top >= 380 || x + 100 <= -20 || x >= 260;
    expect(clear(y) && clear(y + 200)).toBe(true);
    expect(spot).not.toEqual([0, -50]);
  });
});
