// Shapes shared by the ComfyUI importers and exporters.

/** One Diffgraph node a ComfyUI node turns into; `suffix` '' is the node that keeps the ComfyUI id. */
export interface Part {
  suffix: string;
  type: string;
  widgets: Record<string, unknown>;
  seedControl?: Record<string, string>;
}

/** [part suffix, Diffgraph input/widget/output name]. */
export type PartSocket = readonly [string, string];

/** How one ComfyUI node of a mapped class becomes Diffgraph nodes. */
export interface Mapping {
  parts: Part[];
  /** ComfyUI input (socket or widget name) → where its wire goes; one input may feed several parts. */
  inputs: Record<string, readonly PartSocket[]>;
  /** ComfyUI output index → the Diffgraph output that carries it (null: none). */
  outputs: readonly (PartSocket | null)[];
  /** Wires between the parts. */
  internal?: readonly { from: PartSocket; to: PartSocket }[];
}

/** A ComfyUI class we know: its positional widgets (UI format), sockets and outputs, and its mapping. */
export interface ClassSpec {
  /** Widget names in `widgets_values` order; `control_after_generate` slots included. */
  widgets: readonly string[];
  /** Input socket names (not widgets), in ComfyUI's order. */
  sockets: readonly string[];
  /** Output names (ComfyUI shows the type), by index. */
  outputs: readonly string[];
  /** The mapping for these widget values, or why there is none. */
  map(values: Record<string, unknown>): Mapping | string;
}

/** One ComfyUI node, from either format, before mapping. */
export interface ComfyNode {
  id: string;
  classType: string;
  /** Widget values by ComfyUI name (decoded from widgets_values, or the API's literal inputs). */
  values: Record<string, unknown>;
  /** Wired inputs by ComfyUI input name: source node id, output index, reroute points. */
  links: Record<string, { from: string; slot: number; points?: [number, number][] }>;
  /** UI-format output names by index (placeholders keep them). */
  outputNames?: string[];
  /** Why the widget values could not be decoded (the node becomes a placeholder). */
  decodeError?: string;
  /** Warnings about this node (extra widget values, ...). */
  warnings?: string[];
  /** Editor fields to carry over. */
  ui?: {
    position?: [number, number];
    size?: [number, number];
    title?: string;
    color?: string;
    bgcolor?: string;
    mode?: number;
    collapsed?: boolean;
  };
  /** Diffgraph data stored on an exported node (ids and widgets of every part). */
  diffgraph?: unknown;
  /** The node exactly as the file had it (kept on placeholders). */
  raw: unknown;
}

export interface UnmappedNode {
  id: string;
  type: string;
  reason: string;
}

/** A model the imported graph names, looked for in the model folders after the import. */
export interface ModelMatch {
  nodeId: string;
  /** The name the file gave. */
  name: string;
  /** The hash the file recorded for it (full sha256, or A1111's 10- or 8-digit short hash). */
  hash?: string;
  /** The model used instead (the node's widget now names it), or undefined when none was found. */
  matched?: string;
  by?: 'name' | 'sha256' | 'a1111' | 'a1111-old';
  /** Where it was found, or the folders searched when it was not. */
  folders: string[];
}

/** What an import did: the source format, nodes left as placeholders, and anything else worth saying. */
export interface ImportReport {
  source: 'comfy-ui' | 'comfy-api' | 'a1111' | 'diffgraph';
  unmapped: UnmappedNode[];
  warnings: string[];
  /** Hashes the source recorded by node id (A1111's `Model hash`), for matching models on disk. */
  modelHashes?: Record<string, string>;
  /** Models not found under their own name: what was matched instead, or that nothing was. */
  models?: ModelMatch[];
}

/** Prefix of the node type that keeps an unmapped ComfyUI node in a Diffgraph graph. */
export const PLACEHOLDER_PREFIX = 'comfy:';
