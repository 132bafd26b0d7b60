// A checkpoint + LoRA stack built from the checkpoint's cached LoRA-free build by re-merging only the
// tensors the LoRAs touch: a new strength is a few MB written, not a rebuild of the pipeline.
//
// The variant is a complete pipeline folder (so every loader reads it as it reads any other):
// unchanged files are hard links to the base build's (no copy; a copy only where the file system
// cannot link), and the U-Net / text encoder get new model files whose initializers refer to the
// base's `model.onnx_data` except for the LoRA-touched ones, which go to `lora.onnx_data` beside it.
// The builders run again (their graphs, initializer names and order are deterministic), fed the
// merged values for touched tensors and zeros for the rest; each initializer's `origin` (the
// checkpoint keys it was computed from) says which it is, and an untouched one is replaced by the
// base's reference of the same name, after checking its shape and type agree.
import { copyFile, link, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExternalWeightsFile } from '../onnx/external-weights.ts';
import type { WeightSink } from '../onnx/graph-builder.ts';
import { type OnnxTypes, onnx } from '../onnx/proto.ts';
import { modelBytes } from '../onnx/save.ts';
import { buildTextEncoder } from './build/text-encoder.ts';
import { EXTRA_TOKENS_FILE, withExtraTokenInput } from './build/text-encoder-extra-tokens.ts';
import { buildUnet } from './build/unet.ts';
import type { BuildDtype } from './build/weights.ts';
import { type ClipTextStructure, readClipStructure } from './clip-structure.ts';
import {
  applyLoras,
  ConvertInputError,
  defaultAttention,
  type LoraRequest,
  openInput,
  textEncoderLayers,
} from './convert.ts';
import { detectModel } from './detect.ts';
import { LoraPatchedSource } from './lora-source.ts';
import type { OpenedTensorFile } from './open.ts';
import { readSdxlTextStructures } from './sdxl-text-structure.ts';
import type { TensorInfo, TensorSource } from './tensor-source.ts';
import { readUnetStructure } from './unet-structure.ts';

export const LORA_DATA_FILE = 'lora.onnx_data';
const MODEL_FILE = 'model.onnx';

export interface VariantRequest {
  /** The cached build of the same checkpoint and options without LoRAs. */
  baseDir: string;
  out: string;
  checkpoint: string;
  loras: readonly LoraRequest[];
  vae?: string;
  dtype: BuildDtype;
  attention?: 'fused' | 'unfused';
  onProgress?: (network: string) => void;
  onWarning?: (message: string) => void;
}

export interface VariantResult {
  /** Checkpoint keys re-merged, per network folder (unet, text_encoder, text_encoder_2). */
  touched: Record<string, number>;
  /** Bytes written for the touched tensors. */
  bytes: number;
}

/** The patched source where LoRAs touch a key; zeros (never read from disk) elsewhere. */
class TouchedOnly implements TensorSource {
  constructor(
    private readonly src: TensorSource,
    private readonly touched: ReadonlySet<string>,
  ) {}
  get name() {
    return this.src.name;
  }
  keys() {
    return this.src.keys();
  }
  has(key: string) {
    return this.src.has(key);
  }
  info(key: string): TensorInfo {
    return this.src.info(key);
  }
  metadata() {
    return this.src.metadata();
  }
  async read(key: string): Promise<Float32Array> {
    if (this.touched.has(key)) return this.src.read(key);
    return new Float32Array(this.info(key).shape.reduce((a, b) => a * b, 1));
  }
}

/** Untouched initializers → the base model's entry of the same name; touched ones → `data`. */
function variantSink(
  base: OnnxTypes.IModelProto,
  touched: ReadonlySet<string>,
  data: ExternalWeightsFile,
  where: string,
): WeightSink {
  const byName = new Map((base.graph?.initializer ?? []).map((t) => [t.name as string, t]));
  return (tensor, origin) => {
    if (origin?.some((key) => touched.has(key))) return data.sink(tensor);
    const known = byName.get(tensor.name as string);
    const same =
      known &&
      known.dataType === tensor.dataType &&
      (known.dims ?? []).map(Number).join(',') === (tensor.dims ?? []).map(Number).join(',');
    if (!same) {
      throw new Error(
        `${where}: the cached LoRA-free build has no initializer "${tensor.name}" of this shape: delete the cache folder and load again`,
      );
    }
    return known;
  };
}

/** Hard-link (else copy) every file of `from` into `to`, except the relative paths in `skip`. */
async function linkTree(from: string, to: string, skip: ReadonlySet<string>, rel = ''): Promise<void> {
  await mkdir(join(to, rel), { recursive: true });
  for (const entry of await readdir(join(from, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (skip.has(path)) continue;
    if (entry.isDirectory()) await linkTree(from, to, skip, path);
    else await link(join(from, path), join(to, path)).catch(() => copyFile(join(from, path), join(to, path)));
  }
}

type NetworkBuild = (src: TensorSource, sink: WeightSink) => Promise<OnnxTypes.ModelProto>;

/** One network of the pipeline folder a LoRA can touch. */
interface VariantNetwork {
  /** Its folder: unet, text_encoder, text_encoder_2. */
  sub: string;
  /** Checkpoint keys the LoRAs touch in it. */
  touched: Set<string>;
  build: NetworkBuild;
  /** Text encoders: the width of the extra-token twin written beside the model. */
  extraTokensWidth?: number;
}

/** The networks of an SD 1.x/2.x (one text encoder) or SDXL (two, or the refiner's one) build. */
function variantNetworks(request: VariantRequest, src: LoraPatchedSource, sdxl: boolean): VariantNetwork[] {
  const dtype = request.dtype;
  const attention = request.attention ?? defaultAttention(dtype);
  const unet = readUnetStructure(src);
  const textKeys = src.patchedKeys('text');
  const encoder = (sub: string, clip: ClipTextStructure, layers?: number): VariantNetwork => ({
    sub,
    touched: new Set(textKeys.filter((key) => key.startsWith(clip.prefix))),
    build: (s, sink) =>
      buildTextEncoder(s, clip, layers === undefined ? { dtype, clipSkips: [] } : { dtype, layers }, sink),
    extraTokensWidth: clip.width,
  });
  const networks: VariantNetwork[] = [
    {
      sub: 'unet',
      touched: new Set(src.patchedKeys('unet')),
      build: (s, sink) => buildUnet(s, unet, { dtype, attention }, sink),
    },
  ];
  if (sdxl) {
    // As convert-sdxl builds them: every hidden state an output, no clip_skip.K outputs.
    const { l, g } = readSdxlTextStructures(src);
    if (l) networks.push(encoder('text_encoder', l));
    networks.push(encoder('text_encoder_2', g));
  } else {
    const clip = readClipStructure(src);
    networks.push(encoder('text_encoder', clip, textEncoderLayers(clip)));
  }
  return networks.filter((network) => network.touched.size > 0);
}

/** Rebuild one network's model file over the base weights; returns the bytes written. */
async function rebuildNetwork(
  request: VariantRequest,
  src: TensorSource,
  network: VariantNetwork,
): Promise<number> {
  const dir = join(request.out, network.sub);
  const base = onnx.ModelProto.decode(await readFile(join(request.baseDir, network.sub, MODEL_FILE)));
  const data = new ExternalWeightsFile(join(dir, LORA_DATA_FILE));
  try {
    const where = join(request.baseDir, network.sub);
    const sink = variantSink(base, network.touched, data, where);
    const model = await network.build(new TouchedOnly(src, network.touched), sink);
    await writeFile(join(dir, MODEL_FILE), modelBytes(model));
    if (network.extraTokensWidth !== undefined) {
      const extra = withExtraTokenInput(model, network.extraTokensWidth);
      await writeFile(join(dir, EXTRA_TOKENS_FILE), modelBytes(extra));
    }
    return data.bytes;
  } finally {
    data.close();
  }
}

/**
 * Write the variant folder `request.out` (which must not exist; the caller renames it into place).
 * LoRAs that do not fit the checkpoint are ConvertInputError, as in a full conversion.
 */
export async function buildLoraVariant(request: VariantRequest): Promise<VariantResult> {
  const opened: OpenedTensorFile[] = [];
  try {
    const ckpt = await openInput(request.checkpoint, 'checkpoint');
    opened.push(ckpt);
    const warn = request.onWarning ?? (() => {});
    const src = await applyLoras(ckpt, request.loras, opened, warn);
    if (!(src instanceof LoraPatchedSource))
      throw new ConvertInputError('a LoRA variant needs at least one LoRA');
    const family = detectModel(ckpt).family;
    const networks = variantNetworks(request, src, family === 'sdxl' || family === 'sdxl-refiner');
    const rebuilt = new Set<string>();
    for (const { sub, extraTokensWidth } of networks) {
      rebuilt.add(`${sub}/${MODEL_FILE}`);
      if (extraTokensWidth !== undefined) rebuilt.add(`${sub}/${EXTRA_TOKENS_FILE}`);
    }
    await linkTree(request.baseDir, request.out, rebuilt);
    const result: VariantResult = { touched: {}, bytes: 0 };
    for (const network of networks) {
      request.onProgress?.(network.sub);
      result.bytes += await rebuildNetwork(request, src, network);
      result.touched[network.sub] = network.touched.size;
    }
    return result;
  } finally {
    for (const file of opened) await file.close().catch(() => {});
  }
}
