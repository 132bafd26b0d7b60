// New nodes find free room near where they were asked for; running nodes know their room below;
// auto-layout carries groups, notes and reroute points with the nodes.
import { describe, expect, it } from 'vitest';
import { applyLayout } from '../../../renderer/src/doc/layout-carry.ts';
import { freePosition, intersects, type Rect, roomBelow } from '../../../renderer/src/doc/placement.ts';
import type { GraphDoc } from '../../../renderer/src/doc/types.ts';

const size = { width: 240, height: 160 };
const rect = (x: number, y: number, w = 240, h = 160): Rect => ({ x, y, width: w, height: h });

describe('freePosition', () => {
  it('keeps the wanted spot when it is free', () => {
    expect(freePosition([100, 100], size, [rect(600, 600)])).toEqual([100, 100]);
  });

  it('moves off a node to the nearest spot with a 20 px margin, never overlapping', () => {
    const occupied = [rect(0, 0)];
    const spot = freePosition([0, 0], size, occupied);
    const placed = rect(spot[0], spot[1]);
    expect(intersects(placed, rect(-20, -20, 280, 200))).toBe(false);
    // Nearest: one node height (plus margin) up or down, or one width left or right.
    expect(Math.hypot(spot[0], spot[1])).toBeLessThanOrEqual(180);
  });

  it('stays inside the visible canvas and out of the minimap', () => {
    const visible = rect(0, 0, 1000, 600);
    const minimap = rect(760, 400, 240, 200);
    const spot = freePosition([740, 420], size, [], { visible, covered: [minimap] });
    const placed = rect(spot[0], spot[1]);
    expect(intersects(placed, minimap)).toBe(false);
    expect(placed.x + placed.width).toBeLessThanOrEqual(1000);
    expect(placed.y + placed.height).toBeLessThanOrEqual(600);
  });

  it('goes outside the view when the view has no room (the canvas then follows it)', () => {
    const visible = rect(0, 0, 500, 400);
    const spot = freePosition([100, 100], size, [rect(-50, -50, 600, 500)], { visible });
    expect(intersects(rect(spot[0], spot[1]), rect(-70, -70, 640, 540))).toBe(false);
  });
});

const doc = (): GraphDoc => ({
  format: 'diffgraph',
  version: 1,
  nodes: {
    a: { type: 'T', widgets: {}, position: [0, 0] },
    b: { type: 'T', widgets: {}, position: [0, 300] },
    c: { type: 'T', widgets: {}, position: [600, 0] },
  },
  edges: [{ from: ['a', 'x'], to: ['c', 'y'], points: [[300, 50]] }],
  groups: [{ id: 'g', title: 'G', color: '#333', bounds: [-20, -60, 280, 240] }],
  notes: [{ id: 'n', text: 'hi', position: [10, 150] }],
});

describe('roomBelow', () => {
  it('is the distance to the top of the next node under it, ignoring nodes beside it', () => {
    expect(roomBelow(doc(), new Map(), 'a')).toBe(300);
    expect(roomBelow(doc(), new Map(), 'c')).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('applyLayout', () => {
  it('refits a group around its moved nodes, keeping its margins, and moves its notes', () => {
    const next = applyLayout(doc(), new Map([['a', [100, 1000] as [number, number]]]), new Map());
    // Margins of the frame around node a: 20 left, 60 top (the title), 20 right, 20 bottom.
    expect(next.groups?.[0].bounds).toEqual([80, 940, 280, 240]);
    expect(next.notes?.[0].position).toEqual([110, 1150]);
    expect(next.nodes.a.position).toEqual([100, 1000]);
  });

  it('moves reroute points with the nodes at the ends of their wire', () => {
    const both = applyLayout(
      doc(),
      new Map<string, [number, number]>([
        ['a', [0, 100]],
        ['c', [600, 100]],
      ]),
    );
    expect(both.edges[0].points).toEqual([[300, 150]]);
    // Only the source moved (by 100 down): the single point in the middle moves half of that.
    const one = applyLayout(doc(), new Map<string, [number, number]>([['a', [0, 100]]]));
    expect(one.edges[0].points).toEqual([[300, 100]]);
  });

  it('leaves groups whose nodes did not move alone', () => {
    const next = applyLayout(doc(), new Map<string, [number, number]>([['c', [700, 0]]]));
    expect(next.groups?.[0].bounds).toEqual([-20, -60, 280, 240]);
  });
});
