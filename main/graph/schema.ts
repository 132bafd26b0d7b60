// The graph document (the file users save and share). This zod schema is the single definition:
// the TypeScript type, load-time checks and schemas/graph.schema.json all come from it.
// Objects are "loose": fields this version does not know are kept and written back unchanged,
// so a file from a newer app or a plugin survives a round trip through this one.
import { z } from 'zod';

export const GRAPH_FORMAT = 'diffgraph';
export const GRAPH_VERSION = 1;

const Point = z.tuple([z.number(), z.number()]);

export const SeedControlSchema = z.enum(['fixed', 'increment', 'decrement', 'randomize']);

export const GraphNodeSchema = z.looseObject({
  type: z.string().min(1).describe('Node type, e.g. "Sampler"'),
  widgets: z
    .record(z.string(), z.unknown())
    .default({})
    .describe('Widget values by widget name; missing widgets take their default'),
  position: Point.optional().describe('Canvas position [x, y]'),
  size: Point.optional(),
  title: z.string().optional(),
  bypass: z
    .boolean()
    .optional()
    .describe('Skip the node, passing its first input of each output type through'),
  mute: z.boolean().optional().describe('Do not run the node (or nodes that need it)'),
  collapsed: z.boolean().optional(),
  widgetInputs: z.array(z.string()).optional().describe('Widgets shown as input sockets in the editor'),
  seedControl: z
    .record(z.string(), SeedControlSchema)
    .optional()
    .describe('After-run seed behaviour by widget'),
});

export const GraphEdgeSchema = z.looseObject({
  from: z.tuple([z.string(), z.string()]).describe('[nodeId, outputName]'),
  to: z.tuple([z.string(), z.string()]).describe('[nodeId, inputName or widgetName]'),
  points: z.array(Point).optional().describe('Reroute points the wire passes through'),
});

export const GraphGroupSchema = z.looseObject({
  title: z.string(),
  bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]).describe('[x, y, width, height]'),
  color: z.string().optional(),
});

export const GraphNoteSchema = z.looseObject({
  text: z.string(),
  position: Point,
  size: Point.optional(),
});

export const ModelReferenceSchema = z.looseObject({
  name: z.string(),
  sha256: z.string(),
});

/** Where the editor's view was when the graph was saved; opening restores it. */
export const ViewportSchema = z.looseObject({
  x: z.number().finite().describe('Screen offset of the canvas origin, in pixels'),
  y: z.number().finite(),
  zoom: z.number().finite().positive().describe('Scale: 1 draws nodes at their size'),
});

export const GraphDocumentSchema = z.looseObject({
  format: z.literal(GRAPH_FORMAT),
  version: z.literal(GRAPH_VERSION),
  title: z.string().optional(),
  description: z.string().optional(),
  nodes: z.record(z.string().min(1), GraphNodeSchema).describe('Nodes keyed by a stable id'),
  edges: z.array(GraphEdgeSchema).default([]),
  groups: z.array(GraphGroupSchema).optional(),
  notes: z.array(GraphNoteSchema).optional(),
  models: z.array(ModelReferenceSchema).optional().describe('Models the graph was made with'),
  viewport: ViewportSchema.optional().describe('The editor view to open the graph at'),
});

export type GraphDocument = z.output<typeof GraphDocumentSchema>;
export type GraphNode = z.output<typeof GraphNodeSchema>;
export type GraphEdge = z.output<typeof GraphEdgeSchema>;
export type GraphViewport = z.output<typeof ViewportSchema>;
