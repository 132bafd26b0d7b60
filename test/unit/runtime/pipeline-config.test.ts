import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  denoiserConfigFromJson,
  pipelineFiles,
  readVaeConfig,
} from '../../../main/runtime/pipeline-config.ts';
import { ModelInputError } from '../../../nodes/widget-errors.ts';

// Scheduler configs as published with the diffusers checkpoints (abridged to the keys that matter).
const SD15 = {
  _class_name: 'PNDMScheduler',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
};
const SD21 = {
  _class_name: 'DDIMScheduler',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  clip_sample: false,
  num_train_timesteps: 1000,
  prediction_type: 'v_prediction',
  set_alpha_to_one: false,
  steps_offset: 1,
};
const TURBO = {
  _class_name: 'EulerDiscreteScheduler',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  prediction_type: 'epsilon',
  steps_offset: 1,
  timestep_spacing: 'trailing',
};
const LCM = {
  _class_name: 'LCMScheduler',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  original_inference_steps: 50,
  prediction_type: 'epsilon',
  set_alpha_to_one: true,
  steps_offset: 1,
};

describe('denoiser config from scheduler_config.json', () => {
  it('reads SD 1.5 (prediction type defaults to epsilon)', () => {
    expect(denoiserConfigFromJson(SD15, 's')).toEqual({
      numTrainTimesteps: 1000,
      betaSchedule: 'scaled_linear',
      betaStart: 0.00085,
      betaEnd: 0.012,
      stepsOffset: 1,
      predictionType: 'epsilon',
      setAlphaToOne: false,
    });
  });

  it('reads SD 2.x v-prediction, Turbo and LCM', () => {
    expect(denoiserConfigFromJson(SD21, 's').predictionType).toBe('v_prediction');
    expect(denoiserConfigFromJson(TURBO, 's')).toMatchObject({
      predictionType: 'epsilon',
      stepsOffset: 1,
      setAlphaToOne: false,
    });
    expect(denoiserConfigFromJson(LCM, 's')).toMatchObject({
      predictionType: 'epsilon',
      setAlphaToOne: true,
    });
  });

  it('rejects unknown schedules and prediction types, naming the file', () => {
    expect(() => denoiserConfigFromJson({ beta_schedule: 'sigmoid' }, '/m/scheduler_config.json')).toThrow(
      /\/m\/scheduler_config\.json: unsupported beta_schedule "sigmoid"/,
    );
    expect(() => denoiserConfigFromJson({ prediction_type: 'flow' }, 'x')).toThrow(ModelInputError);
    expect(() => denoiserConfigFromJson({ trained_betas: [0.1, 0.2] }, 'x')).toThrow(/trained_betas/);
  });
});

describe('pipeline folders', () => {
  it('says what a pipeline needs when model_index.json is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipe-'));
    expect(() => pipelineFiles(dir)).toThrow(
      `${dir} is not a Stable Diffusion pipeline: expected model_index.json`,
    );
    expect(() => pipelineFiles(join(dir, 'nope'))).toThrow(
      `model folder ${join(dir, 'nope')} does not exist`,
    );
  });

  it('names the missing component files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipe-'));
    writeFileSync(join(dir, 'model_index.json'), '{}');
    mkdirSync(join(dir, 'unet'));
    writeFileSync(join(dir, 'unet', 'model.onnx'), '');
    expect(() => pipelineFiles(dir)).toThrow(
      `pipeline ${dir} is incomplete: missing ${join(dir, 'text_encoder', 'model.onnx')}, ${join(dir, 'vae_decoder', 'model.onnx')}`,
    );
  });

  it('reads the VAE scaling factor and downscale from its config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vae-'));
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        scaling_factor: 0.13025,
        latent_channels: 4,
        block_out_channels: [128, 256, 512, 512],
      }),
    );
    expect(readVaeConfig(dir)).toEqual({ scalingFactor: 0.13025, latentChannels: 4, downscale: 8 });
    expect(readVaeConfig(join(dir, 'missing')).scalingFactor).toBe(0.18215);
  });
});
