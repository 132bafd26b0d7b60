// Auto-layout of a selection: columns by longest path from the selection's sources, rows in order,
// keeping the selection's top-left corner where it was.
import type { GraphDoc, Vec2 } from './types.ts';

export interface LayoutOptions {
  sizes?: ReadonlyMap<string, { width: number; height: number }>;
  gapX?: number;
  gapY?: number;
}

export function layoutNodes(doc: GraphDoc, ids: string[], options: LayoutOptions = {}): Map<string, Vec2> {
  const chosen = ids.filter((id) => doc.nodes[id]);
  const set = new Set(chosen);
  const size = (id: string) => options.sizes?.get(id) ?? { width: 220, height: 120 };
  const gapX = options.gapX ?? 60;
  const gapY = options.gapY ?? 30;
  const depth = columnOf(doc, chosen, set);
  const columns: string[][] = [];
  for (const id of chosen) {
    const d = depth.get(id) ?? 0;
    columns[d] = [...(columns[d] ?? []), id];
  }
  const startX = Math.min(...chosen.map((id) => doc.nodes[id].position[0]));
  const startY = Math.min(...chosen.map((id) => doc.nodes[id].position[1]));
  const result = new Map<string, Vec2>();
  let x = startX;
  for (const column of columns) {
    if (!column) continue;
    column.sort((a, b) => doc.nodes[a].position[1] - doc.nodes[b].position[1]);
    let y = startY;
    for (const id of column) {
      result.set(id, [Math.round(x), Math.round(y)]);
      y += size(id).height + gapY;
    }
    x += Math.max(...column.map((id) => size(id).width)) + gapX;
  }
  return result;
}

/** Longest path (in wires) from a node of the selection with no selected inputs. */
function columnOf(doc: GraphDoc, ids: string[], set: ReadonlySet<string>): Map<string, number> {
  const parents = new Map<string, string[]>();
  for (const e of doc.edges) {
    if (!set.has(e.from[0]) || !set.has(e.to[0])) continue;
    parents.set(e.to[0], [...(parents.get(e.to[0]) ?? []), e.from[0]]);
  }
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const d = Math.max(-1, ...(parents.get(id) ?? []).map(visit)) + 1;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  for (const id of ids) visit(id);
  return depth;
}
