// What the history panel shows about a run, read from the graph document it ran: the positive
// prompt, the sampler and the seed. Graph documents come from untrusted places (manifests, PNGs),
// so every field is checked before it is used.
import { graphSeeds } from '../../nodes/graph-seeds.ts';

interface DocNode {
  type?: unknown;
  widgets?: Record<string, unknown>;
}

export interface RunSummary {
  prompt?: string;
  sampler?: string;
  seed?: number;
}

function nodesOf(graph: unknown): Record<string, DocNode> {
  const nodes = (graph as { nodes?: unknown } | null)?.nodes;
  return nodes && typeof nodes === 'object' && !Array.isArray(nodes)
    ? (nodes as Record<string, DocNode>)
    : {};
}

/** Ids of the nodes wired into an input named `positive` (the prompt a sampler follows). */
function positiveSources(graph: unknown): string[] {
  const edges = (graph as { edges?: unknown } | null)?.edges;
  if (!Array.isArray(edges)) return [];
  return edges.flatMap((edge: { from?: unknown; to?: unknown }) =>
    Array.isArray(edge?.from) &&
    Array.isArray(edge?.to) &&
    edge.to[1] === 'positive' &&
    typeof edge.from[0] === 'string'
      ? [edge.from[0]]
      : [],
  );
}

function textOf(node: DocNode | undefined): string | undefined {
  const text = node?.widgets?.text;
  return typeof text === 'string' ? text : undefined;
}

export function summarizeGraph(graph: unknown): RunSummary {
  const nodes = nodesOf(graph);
  const fromPositive = positiveSources(graph)
    .map((id) => (Object.hasOwn(nodes, id) ? textOf(nodes[id]) : undefined))
    .find((text) => text !== undefined);
  const prompt =
    fromPositive ??
    Object.values(nodes)
      .map(textOf)
      .find((text) => text);
  const sampler = Object.values(nodes)
    .map((node) => node?.widgets?.sampler)
    .find((value): value is string => typeof value === 'string');
  const seed = Object.values(graphSeeds(graph))[0];
  return {
    ...(prompt !== undefined ? { prompt } : {}),
    ...(sampler !== undefined ? { sampler } : {}),
    ...(seed !== undefined ? { seed } : {}),
  };
}
