// The VAE's structure (LDM AutoencoderKL: sgm/modules/diffusionmodules/model.py Encoder/Decoder), read
// from key names and shapes under a prefix: `first_stage_model.` in a checkpoint, none in a standalone
// LDM-layout VAE file. Levels, residual blocks per level, attention per level and channel counts all
// come from the tensors; the builder reads each conv's shape again as it goes.
import { countNumbered } from './clip-structure.ts';
import type { TensorSource } from './tensor-source.ts';

export interface VaeLevel {
  /** Output channels of the level's residual blocks. */
  channels: number;
  blocks: number;
  /** Attention blocks after the residual blocks (0 in SD's VAE, which only has the mid-block one). */
  attentions: number;
}

export interface VaeHalf {
  levels: VaeLevel[];
  /** Channels at the lowest resolution (mid block). */
  midChannels: number;
}

export interface VaeStructure {
  prefix: string;
  imageChannels: number;
  /** Latent channels (4 for SD). */
  latentChannels: number;
  /** Encoder levels in encoder order (highest resolution first); null when the file has no encoder. */
  encoder: VaeHalf | null;
  /** Decoder levels indexed as the keys are (`decoder.up.{i}`, i = 0 is the highest resolution). */
  decoder: VaeHalf;
}

/** SD's VAE in every released checkpoint; any prefix found in a file is tried with these in order. */
export const VAE_PREFIXES = ['first_stage_model.', 'vae.', ''] as const;

function shapeOf(src: TensorSource, key: string): readonly number[] {
  if (!src.has(key)) throw new Error(`${src.name}: missing tensor "${key}" of the VAE`);
  return src.info(key).shape;
}

function readHalf(src: TensorSource, base: string, list: 'down' | 'up'): VaeHalf {
  const count = countNumbered(src, `${base}${list}.`);
  if (count === 0) throw new Error(`${src.name}: no "${base}${list}.N" levels in the VAE`);
  const levels: VaeLevel[] = [];
  for (let i = 0; i < count; i++) {
    const level = `${base}${list}.${i}.`;
    levels.push({
      channels: shapeOf(src, `${level}block.0.conv1.weight`)[0],
      blocks: countNumbered(src, `${level}block.`),
      attentions: countNumbered(src, `${level}attn.`),
    });
  }
  return { levels, midChannels: shapeOf(src, `${base}mid.block_1.conv1.weight`)[0] };
}

export function readVaeStructure(src: TensorSource, options: { prefix?: string } = {}): VaeStructure {
  const candidates = options.prefix !== undefined ? [options.prefix] : VAE_PREFIXES;
  const prefix = candidates.find((p) => src.has(`${p}decoder.conv_in.weight`));
  if (prefix === undefined) {
    const where = candidates.map((p) => `"${p}decoder.conv_in.weight"`).join(' or ');
    throw new Error(
      `${src.name}: no VAE decoder found (expected ${where}; diffusers-layout files need mapping)`,
    );
  }
  const [, latentChannels] = shapeOf(src, `${prefix}post_quant_conv.weight`);
  const [imageChannels] = shapeOf(src, `${prefix}decoder.conv_out.weight`);
  const encoder = src.has(`${prefix}encoder.conv_in.weight`)
    ? readHalf(src, `${prefix}encoder.`, 'down')
    : null;
  return {
    prefix,
    imageChannels,
    latentChannels,
    encoder,
    decoder: readHalf(src, `${prefix}decoder.`, 'up'),
  };
}
