// The non-network files of a converted pipeline folder (diffusers ONNX layout): model_index.json, each
// component's config.json, the CLIP tokenizer and the scheduler config with the prediction type.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { familyScalingFactor } from '../../nodes/sd-constants.ts';
import {
  MODEL_INDEX,
  SD15_SCHEDULER_CONFIG,
  SD15_SPECIAL_TOKENS,
  SD15_TOKENIZER_CONFIG,
  textEncoderConfig,
  unetConfig,
  vaeConfig,
} from '../onnx/pipeline-configs.ts';
import { APP_ROOT } from '../paths.ts';
import type { Family } from './detect.ts';
import type { Prediction } from './prediction.ts';

/** The CLIP BPE files shipped with Diffgraph (the same vocabulary for SD 1.x and 2.x). */
export const CLIP_TOKENIZER_DIR = join(APP_ROOT, 'models', 'diffgraph-shapes', 'tokenizer');

export interface FolderSpec {
  family: Family;
  prediction: Prediction;
  /** Text encoder width (= the U-Net's cross-attention width). */
  hiddenSize: number;
  /** Latent size the model was trained at (64 for 512 px, 96 for SD 2.x 768 px). */
  latentSize: number;
  vaeScaleFactor: number;
  unetInChannels: number;
  /** Where this folder came from, for model_index.json. */
  source: string;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** SD 2.x's OpenCLIP tokenizer pads with "!" (id 0) where SD 1.x's CLIP pads with EOS. */
function tokenizerConfigs(family: FolderSpec['family']) {
  const pad = family === 'sd2' ? { pad_token: '!' } : {};
  return { config: { ...SD15_TOKENIZER_CONFIG, ...pad }, special: { ...SD15_SPECIAL_TOKENS, ...pad } };
}

export async function writeFolderFiles(dir: string, spec: FolderSpec): Promise<void> {
  for (const sub of ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder', 'tokenizer', 'scheduler']) {
    await mkdir(join(dir, sub), { recursive: true });
  }
  await writeJson(join(dir, 'model_index.json'), { ...MODEL_INDEX, _diffgraph_source: spec.source });
  await writeJson(join(dir, 'scheduler', 'scheduler_config.json'), {
    ...SD15_SCHEDULER_CONFIG,
    prediction_type: spec.prediction,
  });
  await writeJson(join(dir, 'text_encoder', 'config.json'), {
    ...textEncoderConfig(spec.hiddenSize),
    hidden_act: spec.family === 'sd2' ? 'gelu' : 'quick_gelu',
  });
  await writeJson(join(dir, 'unet', 'config.json'), {
    ...unetConfig(spec.hiddenSize, spec.latentSize),
    in_channels: spec.unetInChannels,
    prediction_type: spec.prediction,
  });
  const vae = vaeConfig(familyScalingFactor(spec.family), spec.latentSize * spec.vaeScaleFactor);
  for (const sub of ['vae_decoder', 'vae_encoder']) await writeJson(join(dir, sub, 'config.json'), vae);
  const tokenizer = tokenizerConfigs(spec.family);
  await writeJson(join(dir, 'tokenizer', 'tokenizer_config.json'), tokenizer.config);
  await writeJson(join(dir, 'tokenizer', 'special_tokens_map.json'), tokenizer.special);
  for (const file of ['vocab.json', 'merges.txt', 'README.md']) {
    // Copy contents, not modes: the shipped files may be read-only.
    await writeFile(join(dir, 'tokenizer', file), await readFile(join(CLIP_TOKENIZER_DIR, file)));
  }
}
