// Reading a diffusers ONNX pipeline folder: which component files exist and what the JSON
// configs say about the training schedule, prediction type and VAE scaling.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SD_DENOISER_CONFIG, SD_SCALING_FACTOR } from '../../nodes/sd-constants.ts';
import type { BetaSchedule, DenoiserConfig, PredictionType } from '../../nodes/types.ts';
import { ModelInputError } from '../../nodes/widget-errors.ts';
import { EXTRA_TOKENS_FILE } from './extra-tokens.ts';

export interface PipelineFiles {
  dir: string;
  unet: string;
  textEncoder: string;
  /** Diffgraph's builds: the same text encoder that also takes textual-inversion vectors. */
  textEncoderExtraTokens?: string;
  vaeDecoder: string;
  /** Missing in txt2img-only exports; VAEEncode then reports it. */
  vaeEncoder?: string;
  tokenizer: string;
  schedulerConfig?: string;
  /**
   * SDXL (optimum's layout): OpenCLIP-bigG in text_encoder_2/ with tokenizer_2/. The refiner has no
   * text_encoder/ (then `textEncoder` names a file that does not exist and is not opened).
   */
  sdxl?: {
    textEncoder2: string;
    /** Diffgraph's builds: text_encoder_2 taking textual-inversion vectors too. */
    textEncoder2ExtraTokens?: string;
    tokenizer2: string;
    hasTextEncoder: boolean;
  };
}

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ModelInputError('file', `${path} is not valid JSON: ${(error as Error).message}`);
  }
}

const optional = (path: string) => (existsSync(path) ? path : undefined);

/** Check a folder is a diffusers ONNX pipeline and list its component files. */
export function pipelineFiles(dir: string): PipelineFiles {
  if (!existsSync(dir)) throw new ModelInputError('file', `model folder ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) {
    throw new ModelInputError(
      'file',
      `${dir} is a file, expected a pipeline folder (diffusers ONNX layout with model_index.json)`,
    );
  }
  const index = join(dir, 'model_index.json');
  if (!existsSync(index)) {
    throw new ModelInputError(
      'file',
      `${dir} is not a Stable Diffusion pipeline: expected model_index.json with text_encoder/, unet/, vae_decoder/ and tokenizer/ sub-folders`,
    );
  }
  readJson(index);
  const component = (sub: string) => join(dir, sub, 'model.onnx');
  const required = {
    unet: component('unet'),
    textEncoder: component('text_encoder'),
    vaeDecoder: component('vae_decoder'),
  };
  const sdxl = existsSync(component('text_encoder_2'))
    ? {
        textEncoder2: component('text_encoder_2'),
        textEncoder2ExtraTokens: optional(join(dir, 'text_encoder_2', EXTRA_TOKENS_FILE)),
        tokenizer2: join(dir, 'tokenizer_2'),
        hasTextEncoder: existsSync(required.textEncoder),
      }
    : undefined;
  const missing = Object.values(required).filter(
    (p) => !existsSync(p) && !(sdxl && p === required.textEncoder),
  );
  if (missing.length > 0) {
    throw new ModelInputError('file', `pipeline ${dir} is incomplete: missing ${missing.join(', ')}`);
  }
  const scheduler = join(dir, 'scheduler', 'scheduler_config.json');
  return {
    dir,
    ...required,
    textEncoderExtraTokens: optional(join(dir, 'text_encoder', EXTRA_TOKENS_FILE)),
    vaeEncoder: existsSync(component('vae_encoder')) ? component('vae_encoder') : undefined,
    tokenizer: join(dir, 'tokenizer'),
    schedulerConfig: existsSync(scheduler) ? scheduler : undefined,
    ...(sdxl ? { sdxl } : {}),
  };
}

const BETA_SCHEDULES: readonly BetaSchedule[] = ['linear', 'scaled_linear', 'squaredcos_cap_v2'];
const PREDICTION_TYPES: readonly PredictionType[] = ['epsilon', 'v_prediction', 'sample'];

function pick<T>(value: unknown, check: (v: unknown) => v is T, fallback: T): T {
  return check(value) ? value : fallback;
}
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const oneOf =
  <T extends string>(options: readonly T[]) =>
  (v: unknown): v is T =>
    typeof v === 'string' && (options as readonly string[]).includes(v);

/** DenoiserConfig from diffusers' scheduler_config.json (SD defaults for missing keys). */
export function denoiserConfigFromJson(json: Record<string, unknown>, source: string): DenoiserConfig {
  const d = SD_DENOISER_CONFIG;
  if (json.beta_schedule !== undefined && !oneOf(BETA_SCHEDULES)(json.beta_schedule)) {
    throw new ModelInputError(
      'file',
      `${source}: unsupported beta_schedule "${String(json.beta_schedule)}" (expected ${BETA_SCHEDULES.join(', ')})`,
    );
  }
  if (json.prediction_type !== undefined && !oneOf(PREDICTION_TYPES)(json.prediction_type)) {
    throw new ModelInputError(
      'file',
      `${source}: unsupported prediction_type "${String(json.prediction_type)}" (expected ${PREDICTION_TYPES.join(', ')})`,
    );
  }
  if (Array.isArray(json.trained_betas)) {
    throw new ModelInputError('file', `${source}: trained_betas (an explicit beta list) is not supported`);
  }
  return {
    numTrainTimesteps: pick(json.num_train_timesteps, isNumber, d.numTrainTimesteps),
    betaSchedule: pick(json.beta_schedule, oneOf(BETA_SCHEDULES), d.betaSchedule),
    betaStart: pick(json.beta_start, isNumber, d.betaStart),
    betaEnd: pick(json.beta_end, isNumber, d.betaEnd),
    stepsOffset: pick(json.steps_offset, isNumber, d.stepsOffset),
    predictionType: pick(json.prediction_type, oneOf(PREDICTION_TYPES), d.predictionType),
    setAlphaToOne: pick(json.set_alpha_to_one, isBoolean, d.setAlphaToOne),
  };
}

export function readDenoiserConfig(path: string | undefined): DenoiserConfig {
  return path ? denoiserConfigFromJson(readJson(path), path) : { ...SD_DENOISER_CONFIG };
}

export interface VaeConfig {
  scalingFactor: number;
  latentChannels?: number;
  /** 2^(number of down blocks - 1): 8 for Stable Diffusion. */
  downscale?: number;
}

/** vae_decoder/config.json (or vae_encoder's) when present. */
export function readVaeConfig(componentDir: string): VaeConfig {
  const path = join(componentDir, 'config.json');
  if (!existsSync(path)) return { scalingFactor: SD_SCALING_FACTOR };
  const json = readJson(path);
  const blocks = Array.isArray(json.block_out_channels) ? json.block_out_channels.length : undefined;
  return {
    scalingFactor: pick(json.scaling_factor, isNumber, SD_SCALING_FACTOR),
    latentChannels: isNumber(json.latent_channels) ? json.latent_channels : undefined,
    downscale: blocks ? 2 ** (blocks - 1) : undefined,
  };
}
