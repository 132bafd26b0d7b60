// Model loaders: a whole diffusers ONNX pipeline, or bare U-Net / text encoder / VAE files.
// The loading itself (resolving names, checking files, sharing sessions) is ctx.services.models;
// these nodes map widgets to it and its errors back to widgets.

import { DEVICE_NAMES, type DeviceName, defineNode, type NodeDefinition, type WidgetSpec } from './api.ts';
import { SD_DENOISER_CONFIG, SD_SCALING_FACTOR } from './sd-constants.ts';
import type { BetaSchedule, PredictionType } from './types.ts';
import { onWidgets } from './widget-errors.ts';

const CATEGORY = 'loaders';
/** VAE weights files LoadVAE builds to ONNX (anything else is read as an ONNX decoder). */
const VAE_WEIGHT_FILES = ['.safetensors', '.ckpt', '.pt', '.pth'];

const deviceWidget: WidgetSpec = {
  name: 'device',
  kind: 'enum',
  default: 'auto',
  options: DEVICE_NAMES,
  description: 'auto: the best available GPU (CUDA, else WebGPU), falling back to the CPU with a notice',
};

const onnxFile = (name: string, description: string, defaultValue = ''): WidgetSpec => ({
  name,
  kind: 'file',
  default: defaultValue,
  folder: 'models',
  extensions: ['.onnx'],
  description,
});

export const loaderNodes: NodeDefinition[] = [
  defineNode({
    type: 'LoadPipeline',
    displayName: 'Load Pipeline',
    category: CATEGORY,
    description:
      'A Stable Diffusion pipeline folder in the diffusers ONNX layout (model_index.json, unet/, text_encoder/, vae_decoder/, tokenizer/, scheduler/)',
    inputs: [],
    widgets: [
      {
        name: 'model',
        kind: 'model',
        modelKind: 'pipeline',
        default: 'diffgraph-shapes',
        description: 'Pipeline folder name in the models folder',
      },
      deviceWidget,
      {
        name: 'prediction',
        kind: 'enum',
        default: 'from_config',
        options: ['from_config', 'epsilon', 'v_prediction', 'sample'],
        description: "What the U-Net predicts: the pipeline's scheduler_config.json, or an override",
      },
      {
        name: 'scaling_factor',
        kind: 'float',
        default: 0,
        min: 0,
        max: 10,
        step: 0.00001,
        description: "VAE latent scaling factor: 0 = the pipeline's vae config (SD 1.x/2.x 0.18215)",
      },
    ],
    outputs: [
      { name: 'model', type: 'MODEL' },
      { name: 'clip', type: 'CLIP' },
      { name: 'vae', type: 'VAE' },
    ],
    run: (ctx, inputs) =>
      onWidgets({ file: 'model', tokenizer: 'model', device: 'device' }, async () => {
        const loaded = await ctx.services.models.loadPipeline(
          String(inputs.model),
          inputs.device as DeviceName,
          {
            predictionType:
              inputs.prediction === undefined || inputs.prediction === 'from_config'
                ? undefined
                : (inputs.prediction as PredictionType),
            scalingFactor: Number(inputs.scaling_factor) > 0 ? Number(inputs.scaling_factor) : undefined,
          },
        );
        return { model: loaded.model, clip: loaded.clip, vae: loaded.vae };
      }),
  }),
  defineNode({
    type: 'LoadUNet',
    displayName: 'Load U-Net',
    category: CATEGORY,
    description: 'A bare ONNX U-Net file, with its training noise schedule set by the widgets',
    inputs: [],
    widgets: [
      onnxFile('file', 'ONNX U-Net (inputs sample, timestep, encoder_hidden_states)'),
      {
        name: 'prediction',
        kind: 'enum',
        default: 'epsilon',
        options: ['epsilon', 'v_prediction', 'sample'],
        description: 'What the model predicts (SD 2.x 768 models: v_prediction)',
      },
      {
        name: 'beta_schedule',
        kind: 'enum',
        default: 'scaled_linear',
        options: ['scaled_linear', 'linear', 'squaredcos_cap_v2'],
      },
      {
        name: 'beta_start',
        kind: 'float',
        default: SD_DENOISER_CONFIG.betaStart,
        min: 0,
        max: 1,
        step: 0.00005,
      },
      { name: 'beta_end', kind: 'float', default: SD_DENOISER_CONFIG.betaEnd, min: 0, max: 1, step: 0.0005 },
      {
        name: 'train_steps',
        kind: 'int',
        default: SD_DENOISER_CONFIG.numTrainTimesteps,
        min: 1,
        max: 100000,
      },
      {
        name: 'steps_offset',
        kind: 'int',
        default: 1,
        min: 0,
        max: 1000,
        description: "diffusers' steps_offset (1 for Stable Diffusion)",
      },
      deviceWidget,
    ],
    outputs: [{ name: 'model', type: 'MODEL' }],
    run: (ctx, inputs) =>
      onWidgets({ file: 'file', device: 'device' }, async () => {
        const config = {
          ...SD_DENOISER_CONFIG,
          predictionType: inputs.prediction as PredictionType,
          betaSchedule: inputs.beta_schedule as BetaSchedule,
          betaStart: Number(inputs.beta_start),
          betaEnd: Number(inputs.beta_end),
          numTrainTimesteps: Number(inputs.train_steps),
          stepsOffset: Number(inputs.steps_offset),
        };
        return {
          model: await ctx.services.models.loadUnet(String(inputs.file), inputs.device as DeviceName, config),
        };
      }),
  }),
  defineNode({
    type: 'LoadTextEncoder',
    displayName: 'Load Text Encoder',
    category: CATEGORY,
    description: 'A bare ONNX CLIP text encoder file plus a tokenizer folder (vocab.json + merges.txt)',
    inputs: [],
    widgets: [
      onnxFile('file', 'ONNX text encoder (input input_ids, output last_hidden_state)'),
      {
        name: 'tokenizer',
        kind: 'file',
        default: '',
        folder: 'models',
        description: 'Tokenizer folder with vocab.json and merges.txt',
      },
      deviceWidget,
    ],
    outputs: [{ name: 'clip', type: 'CLIP' }],
    run: (ctx, inputs) =>
      onWidgets({ file: 'file', tokenizer: 'tokenizer', device: 'device' }, async () => ({
        clip: await ctx.services.models.loadTextEncoder(
          String(inputs.file),
          String(inputs.tokenizer),
          inputs.device as DeviceName,
        ),
      })),
  }),
  defineNode({
    type: 'LoadVAE',
    displayName: 'Load VAE',
    category: CATEGORY,
    description:
      'A VAE: bare ONNX decoder (and optional encoder, for image-to-image) files, or a VAE weights file (.safetensors / .ckpt, LDM or diffusers keys, e.g. the fine-tuned SD VAEs) built to ONNX once and cached',
    inputs: [],
    widgets: [
      {
        ...onnxFile(
          'file',
          'ONNX VAE decoder (input latent_sample, output sample), or a VAE weights file in vae/ (then encoder_file is not used)',
        ),
        extensions: ['.onnx', ...VAE_WEIGHT_FILES],
      } as WidgetSpec,
      onnxFile(
        'encoder_file',
        'Optional ONNX VAE encoder (input sample); leave empty for text-to-image only',
      ),
      {
        name: 'scaling_factor',
        kind: 'float',
        default: SD_SCALING_FACTOR,
        min: 0.0001,
        max: 10,
        step: 0.00001,
        description: 'Latent scaling (SD 1.x/2.x: 0.18215)',
      },
      deviceWidget,
    ],
    outputs: [{ name: 'vae', type: 'VAE' }],
    run: (ctx, inputs) =>
      onWidgets({ file: 'file', encoder_file: 'encoder_file', device: 'device' }, async () => ({
        vae: VAE_WEIGHT_FILES.some((ext) => String(inputs.file).toLowerCase().endsWith(ext))
          ? await ctx.services.checkpoints.loadVae(
              String(inputs.file),
              Number(inputs.scaling_factor),
              inputs.device as DeviceName,
            )
          : await ctx.services.models.loadVae(
              String(inputs.file),
              String(inputs.encoder_file ?? ''),
              Number(inputs.scaling_factor),
              inputs.device as DeviceName,
            ),
      })),
  }),
];
