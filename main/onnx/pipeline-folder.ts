// Writes a Stable Diffusion pipeline folder in the diffusers ONNX layout:
// model_index.json, text_encoder/, unet/, vae_decoder/, vae_encoder/, tokenizer/, scheduler/.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MODEL_INDEX,
  SD15_SCHEDULER_CONFIG,
  SD15_SPECIAL_TOKENS,
  SD15_TOKENIZER_CONFIG,
  textEncoderConfig,
  unetConfig,
  vaeConfig,
} from './pipeline-configs.ts';
import type { OnnxTypes } from './proto.ts';
import { saveModel, saveModelWithExternalData } from './save.ts';

export interface PipelineSpec {
  textEncoder: OnnxTypes.IModelProto;
  unet: OnnxTypes.IModelProto;
  vaeDecoder: OnnxTypes.IModelProto;
  vaeEncoder: OnnxTypes.IModelProto;
  /** Folder holding the CLIP vocab.json, merges.txt and README.md (license) to copy. */
  tokenizerSource: string;
  hiddenSize: number;
  scalingFactor: number;
  /** Latent size the model was made for (diffusers' unet sample_size). */
  latentSize: number;
  /** Store the U-Net weights in unet/model.onnx_data beside unet/model.onnx. */
  unetExternalData?: boolean;
  /** Overrides merged into SD 1.5's scheduler config. */
  scheduler?: Record<string, unknown>;
}

const TOKENIZER_FILES = ['vocab.json', 'merges.txt', 'README.md'];

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

export async function writePipelineFolder(dir: string, spec: PipelineSpec): Promise<void> {
  for (const sub of ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder', 'tokenizer', 'scheduler']) {
    await mkdir(join(dir, sub), { recursive: true });
  }
  await writeJson(join(dir, 'model_index.json'), MODEL_INDEX);
  await writeJson(join(dir, 'scheduler', 'scheduler_config.json'), {
    ...SD15_SCHEDULER_CONFIG,
    ...spec.scheduler,
  });
  await writeJson(join(dir, 'text_encoder', 'config.json'), textEncoderConfig(spec.hiddenSize));
  await writeJson(join(dir, 'unet', 'config.json'), unetConfig(spec.hiddenSize, spec.latentSize));
  for (const vae of ['vae_decoder', 'vae_encoder']) {
    await writeJson(join(dir, vae, 'config.json'), vaeConfig(spec.scalingFactor, spec.latentSize * 8));
  }
  await writeJson(join(dir, 'tokenizer', 'tokenizer_config.json'), SD15_TOKENIZER_CONFIG);
  await writeJson(join(dir, 'tokenizer', 'special_tokens_map.json'), SD15_SPECIAL_TOKENS);
  // Copy contents, not modes: the sources may be read-only.
  for (const file of TOKENIZER_FILES) {
    await writeFile(join(dir, 'tokenizer', file), await readFile(join(spec.tokenizerSource, file)));
  }

  await saveModel(join(dir, 'text_encoder', 'model.onnx'), spec.textEncoder);
  if (spec.unetExternalData) await saveModelWithExternalData(join(dir, 'unet', 'model.onnx'), spec.unet);
  else await saveModel(join(dir, 'unet', 'model.onnx'), spec.unet);
  await saveModel(join(dir, 'vae_decoder', 'model.onnx'), spec.vaeDecoder);
  await saveModel(join(dir, 'vae_encoder', 'model.onnx'), spec.vaeEncoder);
}
