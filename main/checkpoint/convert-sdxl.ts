// The SDXL parts of a converted pipeline folder, in the layout optimum's SDXL export writes:
// text_encoder/ (CLIP-L, base only) and text_encoder_2/ (OpenCLIP-bigG with text_embeds), each exposing
// last_hidden_state and hidden_states.N; tokenizer/ (pads with the end token) and tokenizer_2/ (pads with
// "!", id 0, as open_clip); vae_decoder/ and vae_encoder/ configs with force_upcast (the SDXL VAE
// overflows in float16; ours are always built in float32); the U-Net config's text_time embedding.
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WeightSink } from '../onnx/graph-builder.ts';
import type { OnnxTypes } from '../onnx/proto.ts';
import { modelBytes } from '../onnx/save.ts';
import { buildTextEncoder } from './build/text-encoder.ts';
import { EXTRA_TOKENS_FILE, withExtraTokenInput } from './build/text-encoder-extra-tokens.ts';
import type { BuildDtype } from './build/weights.ts';
import type { SdxlTextStructures } from './sdxl-text-structure.ts';
import type { TensorSource } from './tensor-source.ts';
import type { UnetStructure } from './unet-structure.ts';

type WriteModel = (sub: string, build: (sink: WeightSink) => Promise<OnnxTypes.ModelProto>) => Promise<void>;

/**
 * Writes text_encoder (base) and text_encoder_2 into `dir`; every hidden state is an output, no
 * clip_skip.K. Beside each, the same network taking textual-inversion vectors (SDXL embeddings carry
 * vectors for both encoders), on the same weights file.
 */
export async function buildSdxlTextEncoders(
  dir: string,
  write: WriteModel,
  src: TensorSource,
  s: SdxlTextStructures,
  dtype: BuildDtype,
): Promise<void> {
  const encoders = [
    ['text_encoder', s.l],
    ['text_encoder_2', s.g],
  ] as const;
  for (const [sub, clip] of encoders) {
    if (!clip) continue;
    let built: OnnxTypes.ModelProto | undefined;
    await write(sub, async (sink) => {
      built = await buildTextEncoder(src, clip, { dtype, clipSkips: [] }, sink);
      return built;
    });
    const extra = withExtraTokenInput(built as OnnxTypes.ModelProto, clip.width);
    await writeFile(join(dir, sub, EXTRA_TOKENS_FILE), modelBytes(extra));
  }
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

async function patchJson(path: string, patch: Record<string, unknown>): Promise<void> {
  await writeJson(path, { ...(await readJson(path)), ...patch });
}

/**
 * Turns the SD folder files writeFolderFiles wrote into SDXL's: tokenizer_2 beside tokenizer (the
 * refiner keeps only tokenizer_2 and text_encoder_2), model_index entries, configs.
 */
export async function writeSdxlFolderFiles(
  dir: string,
  s: SdxlTextStructures,
  unet: UnetStructure,
): Promise<void> {
  await mkdir(join(dir, 'tokenizer_2'), { recursive: true });
  await cp(join(dir, 'tokenizer'), join(dir, 'tokenizer_2'), { recursive: true });
  for (const file of ['tokenizer_config.json', 'special_tokens_map.json'])
    await patchJson(join(dir, 'tokenizer_2', file), { pad_token: '!' });
  await mkdir(join(dir, 'text_encoder_2'), { recursive: true });
  await writeJson(join(dir, 'text_encoder_2', 'config.json'), {
    ...(await readJson(join(dir, 'text_encoder', 'config.json'))),
    architectures: ['CLIPTextModelWithProjection'],
    hidden_size: s.g.width,
    num_hidden_layers: s.g.layers,
    projection_dim: s.g.projectionDim,
    hidden_act: 'gelu',
  });
  if (s.l) {
    await patchJson(join(dir, 'text_encoder', 'config.json'), {
      hidden_size: s.l.width,
      num_hidden_layers: s.l.layers,
      hidden_act: 'quick_gelu',
    });
  } else {
    await rm(join(dir, 'text_encoder'), { recursive: true, force: true });
    await rm(join(dir, 'tokenizer'), { recursive: true, force: true });
  }
  const index = await readJson(join(dir, 'model_index.json'));
  await writeJson(join(dir, 'model_index.json'), {
    ...index,
    _class_name: s.l ? 'ORTStableDiffusionXLPipeline' : 'ORTStableDiffusionXLImg2ImgPipeline',
    text_encoder: s.l ? ['diffusers', 'OnnxRuntimeModel'] : [null, null],
    tokenizer: s.l ? ['transformers', 'CLIPTokenizer'] : [null, null],
    text_encoder_2: ['diffusers', 'OnnxRuntimeModel'],
    tokenizer_2: ['transformers', 'CLIPTokenizer'],
    force_zeros_for_empty_prompt: false,
    requires_aesthetics_score: !s.l,
  });
  await patchJson(join(dir, 'unet', 'config.json'), {
    addition_embed_type: 'text_time',
    addition_time_embed_dim: 256,
    projection_class_embeddings_input_dim: unet.admInChannels,
  });
  for (const sub of ['vae_decoder', 'vae_encoder'])
    await patchJson(join(dir, sub, 'config.json'), { force_upcast: true });
}
