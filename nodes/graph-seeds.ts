// The seeds a run used, read from the graph document it ran (for gallery metadata).

/** Every numeric widget whose name contains "seed": keyed by node id (`id.widget` unless named `seed`). */
export function graphSeeds(graph: unknown): Record<string, number> {
  const nodes = (graph as { nodes?: unknown } | null)?.nodes;
  const seeds: Record<string, number> = {};
  if (!nodes || typeof nodes !== 'object') return seeds;
  for (const [id, node] of Object.entries(nodes as Record<string, { widgets?: Record<string, unknown> }>)) {
    for (const [name, value] of Object.entries(node?.widgets ?? {})) {
      if (name.includes('seed') && typeof value === 'number')
        seeds[name === 'seed' ? id : `${id}.${name}`] = value;
    }
  }
  return seeds;
}
