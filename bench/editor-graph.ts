// A large editor graph for the bench: 50 txt2img pipelines of 10 nodes and 14 wires each
// (500 nodes, 700 edges), laid out in a grid, in the document format the editor opens.

const PIPELINE: {
  id: string;
  type: string;
  dx: number;
  dy: number;
  widgets?: Record<string, unknown>;
  widgetInputs?: string[];
}[] = [
  { id: 'load', type: 'LoadPipeline', dx: 0, dy: 120 },
  { id: 'pos', type: 'TextEncode', dx: 320, dy: 0, widgets: { text: 'a red circle' } },
  { id: 'neg', type: 'TextEncode', dx: 320, dy: 200 },
  { id: 'int', type: 'Int', dx: 0, dy: 420, widgets: { value: 128 } },
  { id: 'latent', type: 'EmptyLatent', dx: 320, dy: 400, widgetInputs: ['width', 'height'] },
  { id: 'sched', type: 'NoiseSchedule', dx: 320, dy: 600 },
  { id: 'sampler', type: 'Sampler', dx: 640, dy: 100 },
  { id: 'decode', type: 'VAEDecode', dx: 960, dy: 100 },
  { id: 'save', type: 'SaveImage', dx: 1240, dy: 0 },
  { id: 'preview', type: 'PreviewImage', dx: 1240, dy: 250 },
];

const WIRES: [string, string, string, string][] = [
  ['load', 'clip', 'pos', 'clip'],
  ['load', 'clip', 'neg', 'clip'],
  ['load', 'model', 'sched', 'model'],
  ['load', 'model', 'sampler', 'model'],
  ['pos', 'conditioning', 'sampler', 'positive'],
  ['neg', 'conditioning', 'sampler', 'negative'],
  ['latent', 'latent', 'sampler', 'latent'],
  ['sched', 'schedule', 'sampler', 'schedule'],
  ['sampler', 'latent', 'decode', 'latent'],
  ['load', 'vae', 'decode', 'vae'],
  ['decode', 'image', 'save', 'image'],
  ['decode', 'image', 'preview', 'image'],
  ['int', 'int', 'latent', 'width'],
  ['int', 'int', 'latent', 'height'],
];

export function largeGraph(
  pipelines = 50,
  columns = 5,
): { nodes: Record<string, unknown>; edges: unknown[]; format: 'diffgraph'; version: 1 } {
  const nodes: Record<string, unknown> = {};
  const edges: unknown[] = [];
  for (let p = 0; p < pipelines; p++) {
    const ox = (p % columns) * 1700;
    const oy = Math.floor(p / columns) * 950;
    for (const n of PIPELINE) {
      nodes[`${n.id}_${p}`] = {
        type: n.type,
        widgets: n.widgets ?? {},
        position: [ox + n.dx, oy + n.dy],
        ...(n.widgetInputs ? { widgetInputs: n.widgetInputs } : {}),
      };
    }
    for (const [a, out, b, input] of WIRES)
      edges.push({ from: [`${a}_${p}`, out], to: [`${b}_${p}`, input] });
  }
  return { format: 'diffgraph', version: 1, nodes, edges };
}

/**
 * The saved view that shows every node of `largeGraph` in a canvas of `width` × `height` pixels
 * (the editor opens a graph at its saved view; without one it would open at a readable zoom,
 * where only part of a graph this size is in view).
 */
export function wholeGraphViewport(
  graph: ReturnType<typeof largeGraph>,
  width: number,
  height: number,
): { x: number; y: number; zoom: number } {
  const positions = Object.values(graph.nodes).map((n) => (n as { position: [number, number] }).position);
  const left = Math.min(...positions.map((p) => p[0]));
  const top = Math.min(...positions.map((p) => p[1]));
  // Node sizes are not known here: leave room for the widest and tallest nodes of a pipeline.
  const right = Math.max(...positions.map((p) => p[0])) + 260;
  const bottom = Math.max(...positions.map((p) => p[1])) + 420;
  const zoom = 0.95 * Math.min(width / (right - left), height / (bottom - top));
  return {
    x: (width - zoom * (right - left)) / 2 - zoom * left,
    y: (height - zoom * (bottom - top)) / 2 - zoom * top,
    zoom,
  };
}
