// The node API: every node type is a plain declaration (sockets, widgets) plus an async `run`.
// The engine reads the declaration to validate and plan graphs; the renderer reads the same
// declaration (as JSON, see `describeNode`) to draw the node. Nothing here imports ONNX.
import type { DeviceName, NodeServices, RunScope } from './services.ts';

export type {
  CheckpointLoaders,
  CheckpointRecipe,
  DeviceName,
  ImageCodec,
  LoraUse,
  ModelLoaders,
  ModelReference,
  NodeFiles,
  NodeServices,
  PipelineOverrides,
  RunScope,
  UserFolder,
} from './services.ts';

/**
 * Socket types carried by wires. Primitive types can also feed widgets. The colours follow
 * ComfyUI's (VAE red, LATENT pink, CLIP yellow, ...) but were adjusted so that every pair stays
 * apart (CIEDE2000 ΔE ≥ 10) for normal vision and under simulated protanopia, deuteranopia and
 * tritanopia (test/unit/renderer/socket-colors.test.ts checks it).
 */
export const SOCKET_TYPES = {
  MODEL: {
    color: '#a792c3',
    description: 'A denoiser (U-Net) with its training noise schedule',
    primitive: false,
  },
  CLIP: { color: '#ffe114', description: 'A text encoder with its tokenizer', primitive: false },
  VAE: { color: '#f06465', description: 'An image autoencoder (latent <-> pixels)', primitive: false },
  CONDITIONING: { color: '#ffa82f', description: 'Encoded text that steers the denoiser', primitive: false },
  LATENT: {
    color: '#ffa1ff',
    description: 'A batch of latents [batch, channels, height, width]',
    primitive: false,
  },
  IMAGE: {
    color: '#388fff',
    description: 'A batch of RGB images [batch, height, width, 3], values 0..1',
    primitive: false,
  },
  SCHEDULE: { color: '#1dad8f', description: 'Timesteps and noise levels for a sampler', primitive: false },
  INT: { color: '#8cc791', description: 'A whole number', primitive: true },
  FLOAT: { color: '#bce487', description: 'A decimal number', primitive: true },
  STRING: { color: '#e0e0e0', description: 'Text', primitive: true },
  BOOLEAN: { color: '#9aa9af', description: 'True or false', primitive: true },
} as const;

export type SocketType = keyof typeof SOCKET_TYPES;
export const SOCKET_TYPE_NAMES = Object.keys(SOCKET_TYPES) as SocketType[];

/** After-run behaviour of a seed widget (ComfyUI's "control after generate"). */
export type SeedControl = 'fixed' | 'increment' | 'decrement' | 'randomize';

/**
 * Shows a widget only while another widget of the same node (an enum) holds one of the listed
 * values, e.g. DDIM's η only for `sampler: ddim`. Hidden widgets keep their values and are saved.
 */
export interface WidgetVisibility {
  widget: string;
  oneOf: readonly string[];
}

interface WidgetBase {
  /** lower_snake_case; also the name a wire uses to feed this widget. */
  name: string;
  label?: string;
  description?: string;
  visibleWhen?: WidgetVisibility;
}
export interface IntWidget extends WidgetBase {
  kind: 'int';
  default: number;
  min?: number;
  max?: number;
  step?: number;
}
export interface FloatWidget extends WidgetBase {
  kind: 'float';
  default: number;
  min?: number;
  max?: number;
  step?: number;
  /** Draw as a slider rather than a number field. */
  slider?: boolean;
}
export interface StringWidget extends WidgetBase {
  kind: 'string';
  default: string;
  multiline?: boolean;
}
export interface EnumWidget extends WidgetBase {
  kind: 'enum';
  default: string;
  options: readonly string[];
}
export interface BooleanWidget extends WidgetBase {
  kind: 'boolean';
  default: boolean;
}
export interface SeedWidget extends WidgetBase {
  kind: 'seed';
  default: number;
  /** Default after-run control; the document may override it per node. */
  control?: SeedControl;
}
/** A path relative to a host folder (the CLI also accepts an absolute path). */
export interface FileWidget extends WidgetBase {
  kind: 'file';
  default: string;
  folder: 'models' | 'input';
  extensions?: readonly string[];
}
/** A model name relative to the models directory. */
export interface ModelWidget extends WidgetBase {
  kind: 'model';
  default: string;
  modelKind: 'pipeline' | 'unet' | 'text_encoder' | 'vae_decoder' | 'vae_encoder';
}

export type WidgetSpec =
  | IntWidget
  | FloatWidget
  | StringWidget
  | EnumWidget
  | BooleanWidget
  | SeedWidget
  | FileWidget
  | ModelWidget;
export type WidgetKind = WidgetSpec['kind'];

/** Which primitive socket type can feed a widget of each kind through a wire. */
export const WIDGET_SOCKET: Record<WidgetKind, SocketType> = {
  int: 'INT',
  seed: 'INT',
  float: 'FLOAT',
  string: 'STRING',
  enum: 'STRING',
  file: 'STRING',
  model: 'STRING',
  boolean: 'BOOLEAN',
};

export interface InputSpec {
  /** Socket type in lower case (`model`, `latent`) unless the node takes two of one type. */
  name: string;
  type: SocketType;
  optional?: boolean;
  description?: string;
}

export interface OutputSpec {
  name: string;
  type: SocketType;
  description?: string;
}

/** A small RGB preview (e.g. of the latent during sampling). Row-major, 3 bytes a pixel. */
export interface PreviewImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** A file a node wrote, reported to the host (gallery, manifest). Paths are absolute. */
export interface NodeOutputFile {
  kind: 'image' | 'latent' | 'file';
  path: string;
  /** Seed and other facts the gallery shows next to the file. */
  meta?: Record<string, unknown>;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const DEVICE_NAMES: readonly DeviceName[] = ['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml'];

/** What the host process offers nodes: folders, default device, process-wide singletons. Shared by
 * every run: per-run data (the graph being run) is on the NodeContext instead. */
export interface RuntimeServices {
  paths: { models: string; input: string; output: string };
  /** Extra read-only model folders searched after `paths.models` (the shipped default model). */
  modelSearchPath: readonly string[];
  /** The device `auto` widgets resolve against (CLI --device, editor settings). */
  device: DeviceName;
  /**
   * May graph widgets name absolute paths outside the allowed folders? Only the CLI says yes (its
   * graphs are run by hand); the editor and the server say no, so a shared graph cannot read
   * arbitrary files. Relative names always stay inside their folder, symlinks included.
   */
  allowAbsolutePaths: boolean;
  /**
   * Process-wide services, created once on first use and shared by every run and graph
   * (e.g. the ONNX session pool). Keyed by a stable string.
   */
  service<T>(key: string, create: () => T): T;
}

export interface NodeContext {
  nodeId: string;
  /** Aborted when the run is cancelled; samplers check it between steps. */
  signal: AbortSignal;
  progress(step: number, total: number, preview?: PreviewImage): void;
  /** A non-fatal notice shown on the node (e.g. "prompt truncated to 77 tokens"). */
  warn(message: string): void;
  /** Report a file this node wrote. */
  output(file: NodeOutputFile): void;
  log: Logger;
  runtime: RuntimeServices;
  /** The run this call belongs to: the graph being run and its model references. */
  run: RunScope;
  /** Models, image codec and confined file access (nodes/services.ts). */
  services: NodeServices;
}

/** Values passed to `run`: wired inputs and widget values, by name. Unwired optional inputs are undefined. */
export type NodeInputs = Record<string, unknown>;
export type NodeOutputs = Record<string, unknown>;

export interface NodeDefinition {
  /** Stable id, PascalCase, e.g. `Sampler`. Saved in graph files: never rename. */
  type: string;
  displayName: string;
  category: string;
  description: string;
  inputs: readonly InputSpec[];
  widgets: readonly WidgetSpec[];
  outputs: readonly OutputSpec[];
  /** Saves or previews something: plans are pulled from output nodes. */
  output?: boolean;
  /** Never cached (e.g. random without a seed). */
  nondeterministic?: boolean;
  /**
   * After a run the editor shows this node's number, boolean and text outputs on it (the scores of
   * FID, KID, CLIPScore), as ComfyUI shows a node's output text.
   */
  showOutputValues?: boolean;
  /**
   * Extra cache key for a node whose result depends on more than its inputs (a file loader:
   * the file's size, mtime and content hash, as ComfyUI's IS_CHANGED). Called with the widget
   * values before the run decides what to reuse; the engine folds it into the signature. A
   * node with this hook whose widgets are fed by wires, or whose hook throws, is not reused.
   */
  cacheKey?(ctx: NodeContext, inputs: NodeInputs): Promise<string> | string;
  run(ctx: NodeContext, inputs: NodeInputs): Promise<NodeOutputs>;
}

/** A node's declaration as JSON (no `run`), for the renderer and `diffgraph nodes --json`. */
export type NodeSchema = Omit<NodeDefinition, 'run' | 'cacheKey'>;

export function describeNode(def: NodeDefinition): NodeSchema {
  const { run: _run, cacheKey: _cacheKey, ...schema } = def;
  return JSON.parse(JSON.stringify(schema)) as NodeSchema;
}

/** Identity helper that gives node literals their type without widening. */
export function defineNode(def: NodeDefinition): NodeDefinition {
  return def;
}

/** Error thrown by a node for bad input; the engine shows it on the node, naming the input or widget. */
export class NodeInputError extends Error {
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
    this.name = 'NodeInputError';
  }
}
