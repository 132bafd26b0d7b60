// What a node may ask of the process it runs in, as typed services on `ctx.services`. Declared here
// (types only: nothing imports main/ or a native module), implemented in main/services/
// and handed to each node call by the engine. Tests give nodes fakes of the same interfaces.
//
// Adding a service: add a member to NodeServices (here, or by declaration merging from another
// nodes/ file) and its factory to main/services/index.ts; the engine does not change.
import type { ModelReference } from './model-references.ts';
import type {
  Denoiser,
  DenoiserConfig,
  ImageBatch,
  PredictionType,
  TextEncoderModel,
  VaeModel,
} from './types.ts';

export type { ModelReference };

export type DeviceName = 'auto' | 'cpu' | 'webgpu' | 'cuda' | 'dml' | 'coreml';

/** The run a node call belongs to: per run, never stored on shared objects. */
export interface RunScope {
  /** The graph document being run (normalised JSON); SaveImage embeds it in its PNGs. */
  readonly graph: unknown;
  /** The models the graph's widgets name, with content hashes (computed once per run, on first use). */
  modelReferences(): Promise<ModelReference[]>;
}

/** Widget overrides of what a pipeline's own config files say (undefined: keep the config's). */
export interface PipelineOverrides {
  predictionType?: PredictionType;
  scalingFactor?: number;
}

/**
 * Loading models into shared sessions. Bad user input is thrown as ModelInputError (nodes/
 * widget-errors.ts) naming the field, which `onWidgets` maps to the node's widget.
 */
export interface ModelLoaders {
  loadPipeline(
    name: string,
    device: DeviceName,
    overrides?: PipelineOverrides,
  ): Promise<{ model: Denoiser; clip: TextEncoderModel; vae: VaeModel }>;
  loadUnet(file: string, device: DeviceName, config: DenoiserConfig): Promise<Denoiser>;
  loadTextEncoder(file: string, tokenizerDir: string, device: DeviceName): Promise<TextEncoderModel>;
  loadVae(
    decoderFile: string,
    encoderFile: string,
    scalingFactor: number,
    device: DeviceName,
  ): Promise<VaeModel>;
}

/** One LoRA applied to a checkpoint (names as the widgets give them). */
export interface LoraUse {
  lora: string;
  strengthModel: number;
  strengthClip: number;
}

/** What a checkpoint-derived MODEL/CLIP is built from: LoadCheckpoint's widgets plus LoadLoRA's chain. */
export interface CheckpointRecipe {
  checkpoint: string;
  prediction: 'auto' | 'epsilon' | 'v_prediction';
  dtype: 'auto' | 'float32' | 'float16';
  device: DeviceName;
  loras: readonly LoraUse[];
}

/**
 * Single-file checkpoints (.safetensors, torch .ckpt) built to ONNX on first use and cached by
 * content, build options and LoRA set. Errors are ModelInputError on 'checkpoint' or 'lora'.
 */
export interface CheckpointLoaders {
  load(
    recipe: CheckpointRecipe,
    onProgress?: (done: number, total: number, label: string) => void,
  ): Promise<{ model: Denoiser; clip: TextEncoderModel; vae: VaeModel }>;
  /** A VAE weights file (.safetensors / .ckpt, LDM or diffusers keys), built to ONNX once. */
  loadVae(file: string, scalingFactor: number, device: DeviceName): Promise<VaeModel>;
}

/** Image files <-> IMAGE batches. */
export interface ImageCodec {
  /** Any common format (PNG, JPEG, WebP, GIF, TIFF, AVIF) to a [1, H, W, 3] batch in 0..1. */
  decodeFile(path: string): Promise<ImageBatch>;
  /** Image `index` of a batch as PNG bytes (8-bit, values clamped to 0..1 and rounded). */
  encodePng(image: ImageBatch, index: number): Promise<Uint8Array>;
}

/** The host folders a widget value may name. */
export type UserFolder = 'input' | 'output';

/**
 * File access for nodes, confined to the host's folders. Every method that refuses or fails
 * throws an Error whose message names the value and what was expected; nodes rethrow it as
 * NodeInputError on their widget.
 */
export interface NodeFiles {
  /**
   * The absolute path a widget value names: relative names under the first folder, absolute
   * paths only inside `folders` (symlinks resolved) unless the host allows them anywhere (CLI).
   */
  inputPath(name: string, what: string, folders: readonly UserFolder[]): string;
  /** Is there a regular file at `path`? */
  isFile(path: string): boolean;
  read(path: string): Promise<Uint8Array>;
  /** `size:mtime:sha256` of a file, for a loader's cache key (ComfyUI's IS_CHANGED). */
  fingerprint(path: string): Promise<string>;
  /**
   * Checks a SaveImage-style prefix (sub-folders allowed, no "..", no absolute path, no link
   * out of the output folder) and returns it cleaned; "" becomes "diffgraph".
   */
  outputPrefix(prefix: string): string;
  /**
   * Writes `data` to `<prefix>_NNNNN<ext>` under the output folder with the first free counter,
   * atomically and never over an existing file; returns the absolute path. `keep` prunes older
   * files of the same prefix and extension down to that many (previews).
   */
  writeNumbered(prefix: string, ext: string, data: Uint8Array, options?: { keep?: number }): Promise<string>;
  /** PNG bytes with the graph document (JSON) in an iTXt chunk. */
  embedGraph(png: Uint8Array, graph: unknown): Uint8Array;
}

/** Every service a node can reach through `ctx.services`. Open to new members (see above). */
export interface NodeServices {
  models: ModelLoaders;
  checkpoints: CheckpointLoaders;
  images: ImageCodec;
  files: NodeFiles;
}
