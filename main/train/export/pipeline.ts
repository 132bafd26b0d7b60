// The trained model as a diffusers-layout ONNX pipeline folder that LoadPipeline (and LoadUNet with
// its unet/model.onnx) runs with every sampler:
// - unet/: the trained EMA network (onnx-unet.ts), pixel space: "latents" are 3 × S × S images in [−1, 1];
// - text_encoder/ + tokenizer/ (CLIP BPE): each class name is one CLIP word token whose state is the
//   one-hot of its class (width K = number of classes); every other token is zeros (no class). An
//   unconditional model gets a text encoder of zeros (width 1) that its U-Net does not take, so the
//   folder still loads as a pipeline and the Sampler says the conditioning is ignored;
// - vae_decoder/: nearest 8× upscaling (an S × S sample shows as an 8S × 8S image, keeping the
//   usual 8× latent-to-pixel ratio of EmptyLatent); vae_encoder/: 8 × 8 average pooling back;
// - scheduler/: the training schedule (DDPM linear β, 1000 steps, epsilon).
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GraphBuilder } from '../../onnx/graph-builder.ts';
import {
  MODEL_INDEX,
  SD15_SPECIAL_TOKENS,
  SD15_TOKENIZER_CONFIG,
  textEncoderConfig,
} from '../../onnx/pipeline-configs.ts';
import type { OnnxTypes } from '../../onnx/proto.ts';
import { modelBytes } from '../../onnx/save.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { DDPM_SCHEDULE, ddpmAlphasCumprod } from '../ddpm.ts';
import type { TinyUNet } from '../unet.ts';
import { buildTrainedUNet, CONTEXT_TOKENS } from './onnx-unet.ts';

export const VOCAB_SIZE = 49408;
const UPSCALE = 8;

/** CLIP token id of each class name used as a whole word (`name</w>`). */
export function classTokenIds(
  classNames: readonly string[],
  vocab: Readonly<Record<string, number>>,
): number[] {
  return classNames.map((name) => {
    const id = vocab[`${name.toLowerCase()}</w>`];
    if (id === undefined)
      throw new Error(
        `class "${name}" is not a single CLIP word token, so prompts cannot name it; rename the class (e.g. a plain English word)`,
      );
    return id;
  });
}

export function buildClassTextEncoder(tokenIds: readonly number[]): OnnxTypes.ModelProto {
  const k = tokenIds.length;
  const rowOfToken = new Int32Array(VOCAB_SIZE);
  tokenIds.forEach((id, c) => {
    rowOfToken[id] = 1 + c;
  });
  const table = new Float32Array((1 + k) * k);
  for (let c = 0; c < k; c++) table[(1 + c) * k + c] = 1;
  const g = new GraphBuilder('diffgraph_class_text_encoder');
  const ids = g.input('input_ids', 'int32', ['batch', CONTEXT_TOKENS]);
  const rows = g.node('Gather', [g.initializer('token_row', rowOfToken, [VOCAB_SIZE], 'int32'), ids], {
    axis: 0,
  });
  const hidden = g.node('Gather', [g.f32('class_states', table, [1 + k, k]), rows], { axis: 0 });
  g.output('last_hidden_state', hidden, 'float32', ['batch', CONTEXT_TOKENS, k]);
  g.output('pooler_output', g.node('ReduceMax', [hidden], { axes: [1], keepdims: 0 }), 'float32', [
    'batch',
    k,
  ]);
  return g.build({ docString: 'class words -> one-hot class states' });
}

/** For an unconditional model: every prompt gives zero states [batch, 77, 1]. */
export function buildEmptyTextEncoder(): OnnxTypes.ModelProto {
  const g = new GraphBuilder('diffgraph_empty_text_encoder');
  const ids = g.input('input_ids', 'int32', ['batch', CONTEXT_TOKENS]);
  const states = g.node('Unsqueeze', [g.node('Cast', [ids], { to: 1 }), g.i64([2])]);
  const zeros = g.node('Mul', [states, g.scalar(0)]);
  g.output('last_hidden_state', zeros, 'float32', ['batch', CONTEXT_TOKENS, 1]);
  g.output('pooler_output', g.node('ReduceMax', [zeros], { axes: [1], keepdims: 0 }), 'float32', [
    'batch',
    1,
  ]);
  return g.build({ docString: 'unconditional model: zero text states' });
}

function buildPixelDecoder(size: number): OnnxTypes.ModelProto {
  const g = new GraphBuilder('diffgraph_pixel_decoder');
  const x = g.input('latent_sample', 'float32', ['batch', 3, size, size]);
  const up = g.node('Resize', [x, '', g.f32('scales', [1, 1, UPSCALE, UPSCALE])], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
  g.output('sample', up, 'float32', ['batch', 3, size * UPSCALE, size * UPSCALE]);
  return g.build({ docString: 'pixel-space model: nearest 8x upscaling' });
}

function buildPixelEncoder(size: number): OnnxTypes.ModelProto {
  const g = new GraphBuilder('diffgraph_pixel_encoder');
  const x = g.input('sample', 'float32', ['batch', 3, size * UPSCALE, size * UPSCALE]);
  const pooled = g.node('AveragePool', [x], {
    kernel_shape: [UPSCALE, UPSCALE],
    strides: [UPSCALE, UPSCALE],
  });
  g.output('latent_sample', pooled, 'float32', ['batch', 3, size, size]);
  return g.build({ docString: 'pixel-space model: 8x8 average pooling' });
}

export interface ExportSpec {
  model: TinyUNet;
  size: number;
  classNames: string[];
  /** Folder with the CLIP tokenizer's vocab.json, merges.txt and README.md. */
  tokenizerSource: string;
}

export async function exportPipeline(dir: string, spec: ExportSpec): Promise<void> {
  const vocab = JSON.parse(await readFile(join(spec.tokenizerSource, 'vocab.json'), 'utf8')) as Record<
    string,
    number
  >;
  const k = spec.classNames.length;
  const files: [string, string | Uint8Array][] = [
    ['model_index.json', json({ ...MODEL_INDEX, scheduler: ['diffusers', 'DDPMScheduler'] })],
    ['scheduler/scheduler_config.json', json(schedulerConfig())],
    ['unet/config.json', json(unetConfig(spec, k))],
    ['unet/model.onnx', modelBytes(buildTrainedUNet(spec.model, spec.size, ddpmAlphasCumprod()))],
    ['vae_decoder/config.json', json(vaeConfig(spec.size))],
    ['vae_decoder/model.onnx', modelBytes(buildPixelDecoder(spec.size))],
    ['vae_encoder/config.json', json(vaeConfig(spec.size))],
    ['vae_encoder/model.onnx', modelBytes(buildPixelEncoder(spec.size))],
    ['tokenizer/tokenizer_config.json', json(SD15_TOKENIZER_CONFIG)],
    ['tokenizer/special_tokens_map.json', json(SD15_SPECIAL_TOKENS)],
    ['diffgraph-train.json', json({ classes: spec.classNames, size: spec.size, config: spec.model.config })],
  ];
  files.push(['text_encoder/config.json', json(textEncoderConfig(Math.max(k, 1)))]);
  files.push([
    'text_encoder/model.onnx',
    modelBytes(
      k > 0 ? buildClassTextEncoder(classTokenIds(spec.classNames, vocab)) : buildEmptyTextEncoder(),
    ),
  ]);
  for (const name of ['vocab.json', 'merges.txt', 'README.md']) {
    files.push([`tokenizer/${name}`, await readFile(join(spec.tokenizerSource, name))]);
  }
  for (const [name, data] of files) {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, data);
  }
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function schedulerConfig() {
  const s = DDPM_SCHEDULE;
  return {
    _class_name: 'DDPMScheduler',
    _diffusers_version: '0.30.0',
    beta_start: s.betaStart,
    beta_end: s.betaEnd,
    beta_schedule: s.betaSchedule,
    num_train_timesteps: s.numTrainTimesteps,
    prediction_type: s.predictionType,
    steps_offset: s.stepsOffset,
    set_alpha_to_one: s.setAlphaToOne,
    clip_sample: false,
    timestep_spacing: 'leading',
  };
}

function unetConfig(spec: ExportSpec, k: number) {
  return {
    _class_name: 'UNet2DConditionModel',
    _diffusers_version: '0.30.0',
    in_channels: 3,
    out_channels: 3,
    sample_size: spec.size,
    cross_attention_dim: k,
    flip_sin_to_cos: true,
    freq_shift: 0,
  };
}

function vaeConfig(size: number) {
  return {
    _class_name: 'AutoencoderKL',
    _diffusers_version: '0.30.0',
    in_channels: 3,
    out_channels: 3,
    latent_channels: 3,
    block_out_channels: [3, 3, 3, 3],
    sample_size: size * UPSCALE,
    scaling_factor: 1,
  };
}
