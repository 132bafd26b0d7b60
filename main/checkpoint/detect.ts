// What a model file is, from its tensor names and shapes only (never the file name): which family
// of checkpoint, or a LoRA, VAE, embedding or something we do not run. Header-level information
// is enough, so listing a models folder reads no weights.
import type { TensorSource } from './tensor-source.ts';

export type Family = 'sd1' | 'sd2' | 'sdxl' | 'sdxl-refiner';
export type FileKind = 'checkpoint' | 'lora' | 'vae' | 'embedding' | 'unsupported';

export interface Detection {
  kind: FileKind;
  /** For checkpoints: the family. */
  family?: Family;
  /** U-Net input channels: 4 plain, 9 inpainting, 8 instruct-pix2pix. */
  inChannels?: number;
  /** Cross-attention context width (768 for SD 1.x, 1024 for SD 2.x, 2048 SDXL, 1280 SDXL refiner). */
  contextDim?: number;
  /** SDXL: label_emb's input width (2816 base, 2560 refiner). */
  admInChannels?: number;
  /** Which parts a checkpoint carries (a pruned file may lack the VAE or the text encoder). */
  parts?: { unet: boolean; textEncoder: boolean; vae: boolean };
  /** Layout of a VAE or LoRA: 'ldm' | 'diffusers' | 'kohya' | 'peft' ... */
  layout?: string;
  /** Human name for listings and messages: "SD 1.x inpainting", "LoRA (kohya) for SD 1.x". */
  label: string;
  /** Whether Diffgraph can build it as a checkpoint now. */
  supported: boolean;
  /** Why it is refused, when it is. */
  reason?: string;
}

type Header = Pick<TensorSource, 'keys' | 'has' | 'info'>;

const UNET = 'model.diffusion_model.';
const SUPPORTED =
  'supported checkpoints: SD 1.x and SD 2.x (also inpainting and SD-Turbo), SDXL base and refiner, single-file .safetensors or .ckpt';

function shapeOf(src: Header, key: string): readonly number[] | undefined {
  return src.has(key) ? src.info(key).shape : undefined;
}

function anyKey(keys: readonly string[], test: (k: string) => boolean): boolean {
  return keys.some(test);
}

function refused(label: string, reason: string, kind: FileKind = 'unsupported'): Detection {
  return { kind, label, supported: false, reason };
}

/** Families that are not LDM U-Nets: recognised by their unique blocks. */
function otherArchitecture(keys: readonly string[]): Detection | undefined {
  const has = (re: RegExp) => anyKey(keys, (k) => re.test(k));
  if (has(/(^|\.)joint_blocks\.\d+\./)) return refused('SD3 (MMDiT)', `SD3 is not supported; ${SUPPORTED}`);
  if (has(/(^|\.)double_blocks\.\d+\./)) return refused('Flux', `Flux is not supported; ${SUPPORTED}`);
  if (has(/\.time_stack\.|\.time_mixer\./))
    return refused('Stable Video Diffusion (video U-Net)', `video models are not supported; ${SUPPORTED}`);
  if (has(/motion_modules\./))
    return refused('AnimateDiff motion module', `motion modules are not supported; ${SUPPORTED}`);
  if (has(/^(model\.)?(diffusion_model\.)?(transformer_blocks|pos_embed|x_embedder)/) && !has(/input_blocks/))
    return refused(
      'a diffusion transformer (DiT/PixArt-style)',
      `transformer diffusion models are not supported; ${SUPPORTED}`,
    );
  return undefined;
}

function loraDetection(keys: readonly string[]): Detection | undefined {
  const lycoris = anyKey(keys, (k) => /\.(hada_w1_a|lokr_w1|lokr_w1_a|oft_blocks)$/.test(k));
  const kohya = anyKey(keys, (k) => /^lora_(unet|te\d?)_/.test(k));
  const peft = anyKey(keys, (k) => /\.lora_[AB](\.default)?\.weight$|\.lora\.(up|down)\.weight$/.test(k));
  if (!lycoris && !kohya && !peft) return undefined;
  const sdxl = anyKey(keys, (k) => k.startsWith('lora_te2_') || k.startsWith('lora_te1_'));
  const layout = kohya ? 'kohya' : peft ? 'peft' : 'lycoris';
  const label = `${lycoris ? 'LyCORIS (LoHa/LoKr)' : 'LoRA'} (${layout})${sdxl ? ' for SDXL' : ''}`;
  const reason = `this is a ${label}, not a checkpoint: load a checkpoint and apply it with LoadLoRA / --lora`;
  return { kind: 'lora', layout, label, supported: !lycoris, reason };
}

function embeddingDetection(src: Header, keys: readonly string[]): Detection | undefined {
  if (keys.length === 0 || keys.length > 4) return undefined;
  if (keys.includes('clip_l') && keys.includes('clip_g')) {
    return {
      kind: 'embedding',
      layout: 'sdxl',
      label: 'textual-inversion embedding for SDXL',
      supported: false,
      reason: 'SDXL embeddings need SDXL support, which is not built yet',
    };
  }
  if (keys.every((k) => k === 'emb_params' || k.startsWith('string_to_param'))) {
    const layout = keys.includes('emb_params') ? 'emb_params' : 'string_to_param';
    return {
      kind: 'embedding',
      layout,
      label: 'textual-inversion embedding',
      supported: true,
      reason:
        'this is a textual-inversion embedding, not a checkpoint: put it in the embeddings folder and write embedding:NAME in a prompt',
    };
  }
  const single = keys.length === 1 ? src.info(keys[0]).shape : undefined;
  if (single && single.length <= 2 && [768, 1024].includes(single[single.length - 1])) {
    return {
      kind: 'embedding',
      layout: 'diffusers',
      label: 'textual-inversion embedding (diffusers)',
      supported: true,
      reason: 'this is a textual-inversion embedding, not a checkpoint',
    };
  }
  return undefined;
}

function vaeDetection(src: Header, keys: readonly string[]): Detection | undefined {
  if (
    anyKey(
      keys,
      (k) => k.startsWith(UNET) || k.startsWith('conditioner.') || k.startsWith('cond_stage_model.'),
    )
  )
    return undefined;
  const strip = (k: string) => k.replace(/^(first_stage_model|vae)\./, '');
  const names = new Set(keys.map(strip));
  if (!names.has('decoder.conv_in.weight') && !names.has('encoder.conv_in.weight')) return undefined;
  const layout = anyKey(
    [...names],
    (k) => k.startsWith('decoder.up_blocks.') || k.startsWith('encoder.down_blocks.'),
  )
    ? 'diffusers'
    : 'ldm';
  const prefix =
    keys.find((k) => strip(k) === 'decoder.conv_in.weight')?.replace('decoder.conv_in.weight', '') ?? '';
  const latent = shapeOf(src, `${prefix}decoder.conv_in.weight`)?.[1];
  const sd = latent === 4;
  return {
    kind: 'vae',
    layout,
    label: `VAE (${layout} layout${latent !== undefined ? `, ${latent} latent channels` : ''})`,
    supported: sd || latent === undefined,
    reason: sd
      ? 'this is a VAE, not a checkpoint: load it with LoadVAE / --vae'
      : `a VAE with ${latent} latent channels (SD3/Flux) is not supported`,
  };
}

/** SD 1.x/2.x/SDXL from the text encoder and U-Net keys. */
function familyOf(src: Header, keys: readonly string[]): Family | undefined {
  if (keys.some((k) => k.startsWith('conditioner.embedders.'))) {
    // SDXL base: CLIP-L (embedders.0) + OpenCLIP-bigG (embedders.1); the refiner only bigG at 0.
    const twoEncoders = keys.some((k) => k.startsWith('conditioner.embedders.1.'));
    return twoEncoders ? 'sdxl' : 'sdxl-refiner';
  }
  if (keys.some((k) => k.startsWith('cond_stage_model.model.'))) return 'sd2'; // OpenCLIP ViT-H
  if (keys.some((k) => k.startsWith('cond_stage_model.transformer.'))) return 'sd1'; // HF CLIP-L
  // No text encoder in the file: the U-Net's cross-attention and label_emb widths tell.
  const context = contextWidth(src, keys);
  const adm = shapeOf(src, `${UNET}label_emb.0.0.weight`)?.[1];
  if (adm === 2560 || (adm !== undefined && context === 1280)) return 'sdxl-refiner';
  if (adm !== undefined || context === 2048) return 'sdxl';
  if (context === 768) return 'sd1';
  if (context === 1024) return 'sd2';
  return undefined;
}

function contextWidth(src: Header, keys: readonly string[]): number | undefined {
  const key = keys.find((k) => k.startsWith(UNET) && k.endsWith('.attn2.to_k.weight'));
  return key ? shapeOf(src, key)?.[1] : undefined;
}

const FAMILY_LABEL: Record<Family, string> = {
  sd1: 'SD 1.x',
  sd2: 'SD 2.x',
  sdxl: 'SDXL',
  'sdxl-refiner': 'SDXL refiner',
};

function checkpointDetection(src: Header, keys: readonly string[]): Detection | undefined {
  const inShape = shapeOf(src, `${UNET}input_blocks.0.0.weight`);
  if (!inShape) return undefined;
  const family = familyOf(src, keys);
  const inChannels = inShape[1];
  const contextDim = contextWidth(src, keys);
  const parts = {
    unet: true,
    textEncoder: keys.some((k) => k.startsWith('cond_stage_model.') || k.startsWith('conditioner.')),
    vae: keys.some((k) => k.startsWith('first_stage_model.')),
  };
  const variant = inChannels === 9 ? ' inpainting' : inChannels === 8 ? ' instruct-pix2pix' : '';
  const label = family ? `${FAMILY_LABEL[family]}${variant}` : `an unrecognised LDM U-Net${variant}`;
  const admInChannels = shapeOf(src, `${UNET}label_emb.0.0.weight`)?.[1];
  const base = { kind: 'checkpoint' as const, family, inChannels, contextDim, admInChannels, parts, label };
  if (!family)
    return {
      ...base,
      supported: false,
      reason: `the U-Net's text context width ${contextDim ?? 'unknown'} matches no known family; ${SUPPORTED}`,
    };
  if (inChannels !== 4 && inChannels !== 9) {
    return {
      ...base,
      supported: false,
      reason: `a U-Net with ${inChannels} input channels (${variant.trim() || 'unknown variant'}) is not supported; ${SUPPORTED}`,
    };
  }
  return { ...base, supported: true };
}

/** Classify a file from its header (keys and shapes); reads no weights. */
export function detectModel(src: Header): Detection {
  const keys = src.keys();
  if (keys.length === 0) return refused('an empty file (no tensors)', `no tensors in the file; ${SUPPORTED}`);
  return (
    otherArchitecture(keys) ??
    loraDetection(keys) ??
    checkpointDetection(src, keys) ??
    embeddingDetection(src, keys) ??
    vaeDetection(src, keys) ??
    unknownDetection(keys)
  );
}

function unknownDetection(keys: readonly string[]): Detection {
  const has = (p: string) => keys.some((k) => k.startsWith(p));
  if (has('down_blocks.') && has('conv_in.'))
    return refused(
      'a diffusers U-Net (unet/diffusion_pytorch_model)',
      `a separate diffusers U-Net is not a single-file checkpoint; ${SUPPORTED}`,
    );
  if (has('text_model.') || has('transformer.resblocks.'))
    return refused('a text encoder on its own', `a separate text encoder is not a checkpoint; ${SUPPORTED}`);
  const sample = keys
    .slice(0, 3)
    .map((k) => `"${k}"`)
    .join(', ');
  return refused('an unknown model', `its tensors (${sample}, ...) match no known model; ${SUPPORTED}`);
}

/**
 * The detection of a file that must be a supported checkpoint of one of `families` (by default the
 * SD 1.x/2.x families the whole-checkpoint pipeline builds); otherwise an error naming the file.
 */
export function requireCheckpoint<F extends Family>(
  src: Header & { name: string },
  families: readonly F[],
): Detection & { family: F };
export function requireCheckpoint(src: Header & { name: string }): Detection & { family: 'sd1' | 'sd2' };
export function requireCheckpoint(
  src: Header & { name: string },
  families: readonly Family[] = ['sd1', 'sd2'],
): Detection {
  const detection = detectModel(src);
  if (detection.kind !== 'checkpoint' || !detection.supported)
    throw new Error(`${src.name}: ${detection.label} — ${detection.reason}`);
  if (!detection.family || !families.includes(detection.family)) {
    const wanted = families.map((f) => FAMILY_LABEL[f]).join(', ');
    throw new Error(`${src.name}: ${detection.label} — this step builds ${wanted} checkpoints only`);
  }
  return detection;
}
