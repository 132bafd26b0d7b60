// The JSON files of a diffusers ONNX pipeline folder, as optimum / diffusers write them for SD 1.5.
// Used by the fixture generator and the default-model script.
import { SD_DENOISER_CONFIG } from '../../nodes/sd-constants.ts';

const SD = SD_DENOISER_CONFIG;

export const SD15_SCHEDULER_CONFIG = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.30.0',
  beta_end: SD.betaEnd,
  beta_schedule: SD.betaSchedule,
  beta_start: SD.betaStart,
  clip_sample: false,
  num_train_timesteps: SD.numTrainTimesteps,
  prediction_type: SD.predictionType,
  set_alpha_to_one: SD.setAlphaToOne,
  skip_prk_steps: true,
  steps_offset: SD.stepsOffset,
  timestep_spacing: 'leading',
  trained_betas: null,
};

export const MODEL_INDEX = {
  _class_name: 'OnnxStableDiffusionPipeline',
  _diffusers_version: '0.30.0',
  feature_extractor: [null, null],
  requires_safety_checker: false,
  safety_checker: [null, null],
  scheduler: ['diffusers', 'PNDMScheduler'],
  text_encoder: ['diffusers', 'OnnxRuntimeModel'],
  tokenizer: ['transformers', 'CLIPTokenizer'],
  unet: ['diffusers', 'OnnxRuntimeModel'],
  vae_decoder: ['diffusers', 'OnnxRuntimeModel'],
  vae_encoder: ['diffusers', 'OnnxRuntimeModel'],
};

export const SD15_TOKENIZER_CONFIG = {
  add_prefix_space: false,
  bos_token: '<|startoftext|>',
  do_lower_case: true,
  eos_token: '<|endoftext|>',
  errors: 'replace',
  model_max_length: 77,
  pad_token: '<|endoftext|>',
  tokenizer_class: 'CLIPTokenizer',
  unk_token: '<|endoftext|>',
};

export const SD15_SPECIAL_TOKENS = {
  bos_token: '<|startoftext|>',
  eos_token: '<|endoftext|>',
  pad_token: '<|endoftext|>',
  unk_token: '<|endoftext|>',
};

export function vaeConfig(scalingFactor: number, sampleSize: number) {
  return {
    _class_name: 'AutoencoderKL',
    _diffusers_version: '0.30.0',
    in_channels: 3,
    out_channels: 3,
    latent_channels: 4,
    sample_size: sampleSize,
    scaling_factor: scalingFactor,
  };
}

export function textEncoderConfig(hidden: number) {
  return {
    architectures: ['CLIPTextModel'],
    model_type: 'clip_text_model',
    hidden_size: hidden,
    max_position_embeddings: 77,
    vocab_size: 49408,
    bos_token_id: 49406,
    eos_token_id: 49407,
    pad_token_id: 1,
  };
}

export function unetConfig(crossAttentionDim: number, sampleSize: number) {
  return {
    _class_name: 'UNet2DConditionModel',
    _diffusers_version: '0.30.0',
    in_channels: 4,
    out_channels: 4,
    sample_size: sampleSize,
    cross_attention_dim: crossAttentionDim,
  };
}
