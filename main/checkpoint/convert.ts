// `diffgraph convert`: a single-file SD 1.x/2.x checkpoint (+ LoRAs, + a VAE file) to a pipeline folder
// in the diffusers ONNX layout with optimum's input/output names, which LoadPipeline and other ONNX tools
// load. Checkpoints may be .safetensors or torch zip files (read by the restricted unpickler, which
// rebuilds tensors only). Everything is built into a temporary folder beside the target and renamed into place at the end,
// so a failed or interrupted conversion leaves nothing half-written. Weights stream to `.onnx_data`
// files as they are built.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { writeModelWithExternalWeights } from '../onnx/external-weights.ts';
import type { OnnxTypes } from '../onnx/proto.ts';
import { modelBytes } from '../onnx/save.ts';
import { buildTextEncoder } from './build/text-encoder.ts';
import { EXTRA_TOKENS_FILE, withExtraTokenInput } from './build/text-encoder-extra-tokens.ts';
import { buildUnet } from './build/unet.ts';
import { buildVaeDecoder, buildVaeEncoder, vaeScaleFactor } from './build/vae.ts';
import type { BuildDtype } from './build/weights.ts';
import { type ClipTextStructure, readClipStructure } from './clip-structure.ts';
import { writeFolderFiles } from './convert-folder.ts';
import { buildSdxlTextEncoders, writeSdxlFolderFiles } from './convert-sdxl.ts';
import { type Detection, type Family, requireCheckpoint } from './detect.ts';
import { readLora } from './lora.ts';
import { type AppliedLora, LoraPatchedSource } from './lora-source.ts';
import { type OpenedTensorFile, openTensorFile } from './open.ts';
import { choosePrediction, type Prediction, type PredictionChoice } from './prediction.ts';
import { readSdxlTextStructures, type SdxlTextStructures } from './sdxl-text-structure.ts';
import type { TensorSource } from './tensor-source.ts';
import { readUnetStructure } from './unet-structure.ts';
import { DiffusersVaeSource, isDiffusersVae } from './vae-diffusers.ts';
import { readVaeStructure } from './vae-structure.ts';

export interface LoraRequest {
  path: string;
  strength: number;
  /** The text encoder's strength when it differs from the U-Net's (LoadLoRA's strength_clip). */
  strengthClip?: number;
}

export interface ConvertOptions {
  checkpoint: string;
  out: string;
  loras?: readonly LoraRequest[];
  vae?: string;
  dtype?: BuildDtype;
  prediction?: Prediction | 'auto';
  /**
   * U-Net attention: 'fused' (com.microsoft.MultiHeadAttention: CPU, CUDA) or 'unfused' (every provider,
   * WebGPU included). Default: fused for float32 (CPU) builds, unfused for float16 (GPU) builds.
   */
  attention?: 'fused' | 'unfused';
  /** Progress lines ("text encoder", "unet", ...) and warnings (unmatched LoRA keys). */
  onProgress?: (message: string) => void;
  onWarning?: (message: string) => void;
}

export interface ConvertResult {
  out: string;
  family: Family;
  label: string;
  prediction: PredictionChoice;
  dtype: BuildDtype;
  warnings: string[];
}

/** Bad input (a file that is not what was expected): the CLI exits 2 on it. */
export class ConvertInputError extends Error {
  override name = 'ConvertInputError';
}

export async function openInput(path: string, what: string): Promise<OpenedTensorFile> {
  if (!existsSync(path)) throw new ConvertInputError(`${what} ${path} does not exist`);
  try {
    return await openTensorFile(path);
  } catch (error) {
    throw new ConvertInputError((error as Error).message);
  }
}

/** Refuse to replace anything but an empty folder. */
async function checkTarget(out: string): Promise<void> {
  if (!existsSync(out)) return;
  const entries = await readdir(out).catch(() => null);
  if (entries === null) throw new ConvertInputError(`--out ${out} exists and is not a folder`);
  if (entries.length > 0) throw new ConvertInputError(`--out ${out} already exists and is not empty`);
}

export async function applyLoras(
  ckpt: TensorSource,
  requests: readonly LoraRequest[],
  opened: OpenedTensorFile[],
  warn: (m: string) => void,
): Promise<TensorSource> {
  if (requests.length === 0) return ckpt;
  const applied: AppliedLora[] = [];
  for (const { path, strength, strengthClip } of requests) {
    const file = await openInput(path, 'LoRA');
    opened.push(file);
    const lora = await readLora(file, ckpt).catch((error: Error) => {
      throw new ConvertInputError(error.message);
    });
    if (lora.warning) warn(lora.warning);
    applied.push({ lora, strengthModel: strength, strengthClip: strengthClip ?? strength });
  }
  return new LoraPatchedSource(ckpt, applied);
}

async function vaeSource(ckpt: TensorSource, path: string | undefined, opened: OpenedTensorFile[]) {
  if (!path) return ckpt;
  const file = await openInput(path, 'VAE');
  opened.push(file);
  return isDiffusersVae(file) ? new DiffusersVaeSource(file) : file;
}

type Progress = (message: string) => void;

const FAMILIES: readonly Family[] = ['sd1', 'sd2', 'sdxl', 'sdxl-refiner'];

type TextStructures = { kind: 'sd'; clip: ClipTextStructure } | { kind: 'sdxl'; sdxl: SdxlTextStructures };

/** The three structures; a missing or misshapen tensor here is bad input. */
export function readStructures(src: TensorSource, vaeSrc: TensorSource, family: Family) {
  try {
    const text: TextStructures =
      family === 'sdxl' || family === 'sdxl-refiner'
        ? { kind: 'sdxl', sdxl: readSdxlTextStructures(src) }
        : { kind: 'sd', clip: readClipStructure(src) };
    return { text, unet: readUnetStructure(src), vae: readVaeStructure(vaeSrc) };
  } catch (error) {
    throw new ConvertInputError((error as Error).message);
  }
}

/**
 * diffusers' SD 2.x text encoder drops OpenCLIP's last layer, so last_hidden_state is SD 2.x's
 * conditioning (penultimate layer + final norm) for every pipeline that reads last_hidden_state.
 */
export function textEncoderLayers(clip: ClipTextStructure): number {
  return clip.layout === 'openclip' ? clip.layers - 1 : clip.layers;
}

/** Float32 builds are for the CPU (fused attention), float16 builds for GPUs (see convertCheckpoint). */
export function defaultAttention(dtype: BuildDtype): 'fused' | 'unfused' {
  return dtype === 'float16' ? 'unfused' : 'fused';
}

interface BuildChoices {
  dtype: BuildDtype;
  attention: 'fused' | 'unfused';
}

async function buildAll(
  tmp: string,
  src: TensorSource,
  vaeSrc: TensorSource,
  { dtype, attention, family }: BuildChoices & { family: Family },
  progress: Progress,
) {
  const { text, unet, vae } = readStructures(src, vaeSrc, family);
  const write = async (sub: string, build: Parameters<typeof writeModelWithExternalWeights>[2]) => {
    progress(sub);
    await mkdir(join(tmp, sub), { recursive: true });
    await writeModelWithExternalWeights(join(tmp, sub), 'model.onnx', build);
  };
  if (text.kind === 'sdxl') {
    await buildSdxlTextEncoders(tmp, write, src, text.sdxl, dtype);
  } else {
    const { clip } = text;
    const layers = textEncoderLayers(clip);
    let textEncoder: OnnxTypes.ModelProto | undefined;
    await write('text_encoder', async (sink) => {
      textEncoder = await buildTextEncoder(src, clip, { dtype, layers }, sink);
      return textEncoder;
    });
    // Beside optimum's model.onnx: the same network taking embedding vectors, on the same weights file.
    const extra = withExtraTokenInput(textEncoder as OnnxTypes.ModelProto, clip.width);
    await writeFile(join(tmp, 'text_encoder', EXTRA_TOKENS_FILE), modelBytes(extra));
  }
  await write('unet', (sink) => buildUnet(src, unet, { dtype, attention }, sink));
  await write('vae_decoder', (sink) => buildVaeDecoder(vaeSrc, vae, sink));
  await write('vae_encoder', (sink) => buildVaeEncoder(vaeSrc, vae, sink));
  return { text, unet, vae };
}

/** Latent size the family was trained at: 512 px, SD 2.x v-prediction 768 px, SDXL 1024 px. */
function trainedLatentSize(family: Family, prediction: Prediction): number {
  if (family === 'sdxl' || family === 'sdxl-refiner') return 128;
  return family === 'sd2' && prediction === 'v_prediction' ? 96 : 64;
}

export async function convertCheckpoint(options: ConvertOptions): Promise<ConvertResult> {
  const out = resolve(options.out);
  const dtype = options.dtype ?? 'float32';
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    options.onWarning?.(m);
  };
  await checkTarget(out);
  const opened: OpenedTensorFile[] = [];
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.partial`);
  try {
    const ckpt = await openInput(options.checkpoint, 'checkpoint');
    opened.push(ckpt);
    let detection: Detection & { family: Family };
    try {
      detection = requireCheckpoint(ckpt, FAMILIES);
    } catch (error) {
      throw new ConvertInputError((error as Error).message);
    }
    const prediction = await choosePrediction(ckpt, detection, options.prediction);
    const src = await applyLoras(ckpt, options.loras ?? [], opened, warn);
    const vaeSrc = await vaeSource(ckpt, options.vae, opened);
    await mkdir(tmp, { recursive: true });
    // Float32 builds are for the CPU (fused attention); float16 builds for GPUs, where ORT 1.30's WebGPU
    // MultiHeadAttention is wrong at these sequence lengths (see build/net-ops.ts), so unfused there.
    const attention = options.attention ?? defaultAttention(dtype);
    const family = detection.family;
    const built = await buildAll(
      tmp,
      src,
      vaeSrc,
      { dtype, attention, family },
      options.onProgress ?? (() => {}),
    );
    await writeFolderFiles(tmp, {
      family,
      prediction: prediction.prediction,
      hiddenSize: built.text.kind === 'sd' ? built.text.clip.width : built.unet.contextDim,
      latentSize: trainedLatentSize(family, prediction.prediction),
      vaeScaleFactor: vaeScaleFactor(built.vae),
      unetInChannels: built.unet.inChannels,
      source: basename(options.checkpoint),
    });
    if (built.text.kind === 'sdxl') await writeSdxlFolderFiles(tmp, built.text.sdxl, built.unet);
    if (existsSync(out)) await rm(out, { recursive: true });
    await rename(tmp, out);
    return { out, family: detection.family, label: detection.label, prediction, dtype, warnings };
  } finally {
    for (const file of opened) await file.close().catch(() => {});
    await rm(tmp, { recursive: true, force: true });
  }
}
