// A template without an image among its outputs (one that only scores samples, say) gets a
// PreviewImage on each VAEDecode and loses its other outputs, so its thumbnail shows what it
// samples without running the scoring. Templates that save or preview images run unchanged.
interface Doc {
  nodes: Record<string, { type: string; widgets?: Record<string, unknown>; position?: unknown }>;
  edges: { from: [string, string]; to: [string, string] }[];
}

const IMAGE_OUTPUTS = new Set(['SaveImage', 'PreviewImage']);

export function imagesOnly(graph: Doc): Doc {
  const nodes = Object.values(graph.nodes);
  if (nodes.some((node) => IMAGE_OUTPUTS.has(node.type))) return graph;
  const decoders = Object.entries(graph.nodes).filter(([, node]) => node.type === 'VAEDecode');
  if (decoders.length === 0) throw new Error('the graph neither makes images nor decodes latents');
  const [id] = decoders[0];
  const readFrom = new Set(graph.edges.map((edge) => edge.from[0]));
  // Nodes nothing reads from are the graph's outputs: drop them, but keep the first decoder.
  const kept = Object.fromEntries(
    Object.entries(graph.nodes).filter(([key]) => readFrom.has(key) || key === id),
  );
  const previewId = `${id}_thumbnail`;
  kept[previewId] = { type: 'PreviewImage', widgets: {}, position: [0, 0] };
  const edges = graph.edges.filter((edge) => edge.from[0] in kept && edge.to[0] in kept);
  edges.push({ from: [id, 'image'], to: [previewId, 'image'] });
  return { ...graph, nodes: kept, edges };
}
