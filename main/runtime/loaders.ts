// What the loader nodes do: resolve a model name, check the files fit the slot (before ONNX
// Runtime sees them, so errors name the file and what was expected), open shared sessions and
// wrap them as MODEL / CLIP / VAE.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceName, PipelineOverrides, RuntimeServices } from '../../nodes/api.ts';
import type { Denoiser, DenoiserConfig, TextEncoderModel, VaeModel } from '../../nodes/types.ts';
import { type InputField, ModelInputError } from '../../nodes/widget-errors.ts';
import { type ClipTokenizer, loadClipTokenizer } from './clip-tokenizer.ts';
import { autoDevices } from './devices.ts';
import { modelRoots, recordedSha256, resolveModel } from './model-resolve.ts';
import { cachedOnnxHeader } from './onnx-header.ts';
import { OnnxTextEncoder } from './onnx-text-encoder.ts';
import { OnnxDenoiser } from './onnx-unet.ts';
import { OnnxVae } from './onnx-vae.ts';
import { type PipelineFiles, pipelineFiles, readDenoiserConfig, readVaeConfig } from './pipeline-config.ts';
import { SdxlTextEncoder } from './sdxl-text-encoder.ts';
import { SessionHandle, sessionPool } from './session-pool.ts';
import {
  type ModelIO,
  SLOT_LABEL,
  type Slot,
  textEncoderSignature,
  unetSignature,
  vaeSignature,
} from './slot-signatures.ts';

export interface LoadContext {
  runtime: RuntimeServices;
  /** The graph being run: the model hashes it records pick among same-named models. */
  graph?: unknown;
  warn(message: string): void;
}

async function resolve(
  ctx: LoadContext,
  name: string,
  what: string,
  field: InputField = 'file',
): Promise<string> {
  try {
    const resolved = await resolveModel({
      name,
      what,
      roots: modelRoots(ctx.runtime),
      sha256: recordedSha256(ctx.graph, name),
      allowAbsolute: ctx.runtime.allowAbsolutePaths,
    });
    if (resolved.notice) ctx.warn(resolved.notice);
    return resolved.path;
  } catch (error) {
    if (error instanceof ModelInputError) throw new ModelInputError(field, error.message);
    throw error;
  }
}

const CHECKS: Record<Slot, (io: ModelIO, path: string) => unknown> = {
  unet: unetSignature,
  text_encoder: textEncoderSignature,
  vae_decoder: (io, path) => vaeSignature(io, path, 'vae_decoder'),
  vae_encoder: (io, path) => vaeSignature(io, path, 'vae_encoder'),
};

interface SlotOptions {
  field?: InputField;
  /** Open the session only when first used (the VAE encoder, unused by txt2img). */
  lazy?: boolean;
}

/** Read the file's header and check it fits `slot`; then a handle to its shared session. */
async function openSlot(
  ctx: LoadContext,
  path: string,
  slot: Slot,
  name: string,
  device: DeviceName,
  { field = 'file', lazy = false }: SlotOptions = {},
): Promise<SessionHandle> {
  let declared: ModelIO;
  try {
    if (statSync(path).isDirectory())
      throw new Error(`${path} is a folder, expected an ONNX ${SLOT_LABEL[slot]} file`);
    declared = await cachedOnnxHeader(path);
    CHECKS[slot](declared, path);
  } catch (error) {
    throw new ModelInputError(field, (error as Error).message);
  }
  const request = {
    path,
    name: `${name} (${SLOT_LABEL[slot]})`,
    slot,
    device,
    defaultDevice: ctx.runtime.device,
  };
  const handle = new SessionHandle(sessionPool(ctx.runtime), request, (m) => ctx.warn(m), declared);
  if (lazy) return handle;
  try {
    await handle.get();
  } catch (error) {
    if (error instanceof ModelInputError && error.field === 'file')
      throw new ModelInputError(field, error.message);
    throw error;
  }
  return handle;
}

const tokenizers = new Map<string, { mtimeMs: number; tokenizer: ClipTokenizer }>();

function tokenizerAt(dir: string, field: InputField): ClipTokenizer {
  if (!existsSync(dir)) {
    throw new ModelInputError(
      field,
      `tokenizer folder ${dir} does not exist (expected vocab.json + merges.txt)`,
    );
  }
  try {
    const mtimeMs = statSync(dir).mtimeMs;
    const hit = tokenizers.get(dir);
    if (hit && hit.mtimeMs === mtimeMs) return hit.tokenizer;
    const tokenizer = loadClipTokenizer(dir);
    tokenizers.set(dir, { mtimeMs, tokenizer });
    return tokenizer;
  } catch (error) {
    const message = (error as Error).message;
    throw new ModelInputError(field, message.includes(dir) ? message : `tokenizer folder ${dir}: ${message}`);
  }
}

export interface LoadedPipeline {
  model: Denoiser;
  clip: TextEncoderModel;
  vae: VaeModel;
}

/**
 * `auto` (widget and runtime both) picks the best device found; when that is the CPU, say why
 * on the node, so a user expecting their GPU sees what is missing.
 */
export async function noteAutoCpu(ctx: LoadContext, device: DeviceName): Promise<void> {
  if (device !== 'auto' || ctx.runtime.device !== 'auto') return;
  const report = await autoDevices();
  if (report.auto !== 'cpu') return;
  const gpus = report.devices.filter((d) => d.name === 'webgpu' || d.name === 'cuda');
  ctx.warn(
    `device auto: no usable GPU (${gpus.map((d) => `${d.name}: ${d.detail}`).join('; ')}); running on the CPU`,
  );
}

export async function loadPipeline(
  ctx: LoadContext,
  model: string,
  device: DeviceName,
  overrides: PipelineOverrides = {},
): Promise<LoadedPipeline> {
  await noteAutoCpu(ctx, device);
  return loadPipelineDir(ctx, await resolve(ctx, model, 'pipeline'), model, device, overrides);
}

/** A pipeline folder already found (`model` names it in messages and session labels). */
export async function loadPipelineDir(
  ctx: LoadContext,
  dir: string,
  model: string,
  device: DeviceName,
  overrides: PipelineOverrides = {},
): Promise<LoadedPipeline> {
  const files = pipelineFiles(dir);
  const fileConfig = readDenoiserConfig(files.schedulerConfig);
  const config = { ...fileConfig, predictionType: overrides.predictionType ?? fileConfig.predictionType };
  const unet = await openSlot(ctx, files.unet, 'unet', model, device);
  const decoder = await openSlot(ctx, files.vaeDecoder, 'vae_decoder', model, device);
  const encoder = files.vaeEncoder
    ? await openSlot(ctx, files.vaeEncoder, 'vae_encoder', model, device, { lazy: true })
    : undefined;
  const fileVaeConfig = readVaeConfig(join(dir, 'vae_decoder'));
  const vaeConfig = {
    ...fileVaeConfig,
    scalingFactor: overrides.scalingFactor ?? fileVaeConfig.scalingFactor,
  };
  return {
    model: await OnnxDenoiser.load(unet, { name: model, config }),
    clip: await loadPipelineClip(ctx, files, model, device),
    vae: await OnnxVae.load({ name: model, ...vaeConfig }, decoder, encoder),
  };
}

/** The pipeline's CLIP: one text encoder, or SDXL's pair (the refiner: text_encoder_2 alone). */
async function loadPipelineClip(
  ctx: LoadContext,
  files: PipelineFiles,
  model: string,
  device: DeviceName,
): Promise<TextEncoderModel> {
  const open = async (path: string, tokenizerDir: string) => ({
    tokenizer: tokenizerAt(tokenizerDir, 'file'),
    handle: await openSlot(ctx, path, 'text_encoder', model, device),
  });
  // Diffgraph's own builds carry a twin graph that also takes embedding vectors (textual inversion).
  const textEncoder = files.textEncoderExtraTokens ?? files.textEncoder;
  if (!files.sdxl) {
    const { handle, tokenizer } = await open(textEncoder, files.tokenizer);
    return OnnxTextEncoder.load(model, handle, tokenizer);
  }
  const l = files.sdxl.hasTextEncoder ? await open(textEncoder, files.tokenizer) : undefined;
  const g = await open(files.sdxl.textEncoder2ExtraTokens ?? files.sdxl.textEncoder2, files.sdxl.tokenizer2);
  try {
    return await SdxlTextEncoder.load(model, g, l);
  } catch (error) {
    if (error instanceof ModelInputError) throw error;
    throw new ModelInputError('file', (error as Error).message);
  }
}

export async function loadUnetFile(
  ctx: LoadContext,
  file: string,
  device: DeviceName,
  config: DenoiserConfig,
): Promise<Denoiser> {
  await noteAutoCpu(ctx, device);
  const path = await resolve(ctx, file, 'U-Net file');
  return OnnxDenoiser.load(await openSlot(ctx, path, 'unet', file, device), { name: file, config });
}

export async function loadTextEncoderFile(
  ctx: LoadContext,
  file: string,
  tokenizerDir: string,
  device: DeviceName,
): Promise<TextEncoderModel> {
  await noteAutoCpu(ctx, device);
  const path = await resolve(ctx, file, 'text encoder file');
  const dir = await resolve(ctx, tokenizerDir, 'tokenizer folder', 'tokenizer');
  const tokenizer = tokenizerAt(dir, 'tokenizer');
  return OnnxTextEncoder.load(file, await openSlot(ctx, path, 'text_encoder', file, device), tokenizer);
}

export async function loadVaeFiles(
  ctx: LoadContext,
  decoderFile: string,
  encoderFile: string,
  scalingFactor: number,
  device: DeviceName,
): Promise<VaeModel> {
  await noteAutoCpu(ctx, device);
  const decoderPath = await resolve(ctx, decoderFile, 'VAE decoder file');
  const encoderPath =
    encoderFile.trim() === ''
      ? undefined
      : await resolve(ctx, encoderFile, 'VAE encoder file', 'encoder_file');
  return loadVaePaths(ctx, { decoderPath, encoderPath, name: decoderFile }, scalingFactor, device);
}

/** VAE decoder (+ encoder) files already found; `name` labels sessions and messages. */
export async function loadVaePaths(
  ctx: LoadContext,
  files: { decoderPath: string; encoderPath?: string; name: string },
  scalingFactor: number,
  device: DeviceName,
): Promise<VaeModel> {
  const decoder = await openSlot(ctx, files.decoderPath, 'vae_decoder', files.name, device);
  const encoder = files.encoderPath
    ? await openSlot(ctx, files.encoderPath, 'vae_encoder', files.name, device, {
        field: 'encoder_file',
        lazy: true,
      })
    : undefined;
  return OnnxVae.load({ name: files.name, scalingFactor }, decoder, encoder);
}
