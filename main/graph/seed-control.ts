// ComfyUI's "control after generate": after a run, each seed widget is left as it was, stepped
// up or down, or re-rolled, per the node's `seedControl` or the widget's own default.
import type { NodeDefinition, SeedControl } from '../../nodes/api.ts';
import { nullProtoRecord } from './null-proto.ts';
import type { GraphDocument, GraphNode } from './schema.ts';
import { SEED_MAX, SEED_MIN } from './widget-values.ts';

/** What seed control needs of the node catalogue (the engine's NodeRegistry is one). */
export interface NodeLookup {
  get(type: string): Pick<NodeDefinition, 'widgets'> | undefined;
}

/** Re-rolled seeds stay below 2^32: short enough to read and type, plenty of variety. */
const RANDOM_SEED_LIMIT = 2 ** 32;

/** A new document with seed widgets advanced; the input is not changed. Unknown node types are left alone. */
export function applySeedControl(
  doc: GraphDocument,
  registry: NodeLookup,
  rng: () => number = Math.random,
): GraphDocument {
  const wired = new Set(doc.edges.map((edge) => `${edge.to[0]}\u0000${edge.to[1]}`));
  const nodes = nullProtoRecord<GraphNode>();
  for (const [id, node] of Object.entries(doc.nodes)) {
    const def = registry.get(node.type);
    let widgets = node.widgets;
    for (const spec of def?.widgets ?? []) {
      if (spec.kind !== 'seed' || wired.has(`${id}\u0000${spec.name}`)) continue;
      const control = node.seedControl?.[spec.name] ?? spec.control ?? 'fixed';
      const current = spec.name in widgets ? widgets[spec.name] : spec.default;
      const next = nextSeed(typeof current === 'number' ? current : spec.default, control, rng);
      if (next !== current) widgets = { ...widgets, [spec.name]: next };
    }
    nodes[id] = widgets === node.widgets ? node : { ...node, widgets };
  }
  return { ...doc, nodes };
}

export function nextSeed(seed: number, control: SeedControl, rng: () => number = Math.random): number {
  switch (control) {
    case 'fixed':
      return seed;
    case 'increment':
      return seed >= SEED_MAX ? SEED_MIN : seed + 1;
    case 'decrement':
      return seed <= SEED_MIN ? SEED_MAX : seed - 1;
    case 'randomize':
      return Math.floor(rng() * RANDOM_SEED_LIMIT);
  }
}
