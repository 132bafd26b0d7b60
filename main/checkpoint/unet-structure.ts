// The LDM U-Net's structure (sgm/ldm `UNetModel` constructor arguments), read from the
// `model.diffusion_model.*` keys and shapes of a checkpoint. Key layout, as UNetModel builds it:
// input_blocks.0.0 = conv_in; then per level, num_res_blocks × [ResBlock, SpatialTransformer?] and,
// except at the last level, a Downsample (`.0.op`); middle_block = ResBlock, SpatialTransformer,
// ResBlock; output_blocks mirror the input with one more block per level and an Upsample (`.conv`)
// closing every level but level 0; out = GroupNorm, SiLU, conv.
import { readVectorConditioning, type VectorConditioning } from './sdxl-vector.ts';
import type { TensorSource } from './tensor-source.ts';

/** Attention heads: a fixed count per layer (SD 1.x: 8) or a fixed head width (SD 2.x, SDXL: 64). */
export type HeadSpec = { numHeads: number } | { headChannels: number };

export interface UnetLevel {
  /** Output channels of this level's residual blocks (model_channels × channel_mult). */
  channels: number;
  numResBlocks: number;
  /** BasicTransformerBlocks per SpatialTransformer at this level; 0 = no attention here. */
  transformerDepth: number;
}

export interface UnetStructure {
  /** The key prefix the structure was read under (normally `model.diffusion_model.`). */
  prefix: string;
  inChannels: number;
  outChannels: number;
  modelChannels: number;
  /** time_embed width: 4 × model_channels. */
  timeEmbedDim: number;
  levels: UnetLevel[];
  middleTransformerDepth: number;
  contextDim: number;
  /** use_linear_in_transformer: Linear proj_in/proj_out (SD 2.x, SDXL) instead of 1×1 convs. */
  linearProjection: boolean;
  heads: HeadSpec;
  /** label_emb input width (SDXL's `y`), when the checkpoint has a label_emb. */
  admInChannels?: number;
  /** With label_emb: how its input splits into the pooled text embedding and the size ids. */
  vector?: VectorConditioning;
  /** Learned conv down/upsampling (true in every released SD model). */
  convResample: boolean;
}

export const UNET_PREFIX = 'model.diffusion_model.';

export interface ReadUnetOptions {
  prefix?: string;
  /**
   * Heads cannot be told from the weights (q/k/v are one matrix however they split). Default, by
   * family: Linear projections (SD 2.x, SDXL) → 64-wide heads; 1×1-conv projections (SD 1.x) → 8 heads.
   */
  heads?: HeadSpec;
  /** SDXL: the number of size ids in `time_ids` (default: read from the file, see sdxl-vector.ts). */
  timeIds?: number;
}

class KeyReader {
  constructor(
    readonly src: TensorSource,
    readonly prefix: string,
  ) {}

  has(key: string): boolean {
    return this.src.has(this.prefix + key);
  }

  shape(key: string, rank: number): readonly number[] {
    const full = this.prefix + key;
    if (!this.src.has(full)) throw new Error(`${this.src.name}: U-Net key "${full}" is missing`);
    const { shape } = this.src.info(full);
    if (shape.length !== rank) {
      throw new Error(`${this.src.name}: U-Net key "${full}" has shape [${shape}], expected rank ${rank}`);
    }
    return shape;
  }

  /** Distinct values of the numeric path segment after `head` (e.g. block indices). */
  indices(head: string): number[] {
    const found = new Set<number>();
    const start = this.prefix + head;
    for (const key of this.src.keys()) {
      if (!key.startsWith(start)) continue;
      const n = Number(key.slice(start.length).split('.')[0]);
      if (Number.isInteger(n)) found.add(n);
    }
    return [...found].sort((a, b) => a - b);
  }
}

function transformerDepth(r: KeyReader, block: string): number {
  const depth = r.indices(`${block}.transformer_blocks.`).length;
  if (r.has(`${block}.proj_in.weight`) && depth === 0) {
    throw new Error(`${r.src.name}: "${r.prefix}${block}" has proj_in but no transformer_blocks`);
  }
  return depth;
}

/** Walk input_blocks level by level: res blocks until a Downsample (or a parameterless gap). */
function readLevels(r: KeyReader, modelChannels: number): { levels: UnetLevel[]; convResample: boolean } {
  const last = Math.max(...r.indices('input_blocks.'));
  const levels: UnetLevel[] = [];
  let convResample = true;
  let current: UnetLevel | undefined;
  for (let i = 1; i <= last; i++) {
    const block = `input_blocks.${i}`;
    const isRes = r.has(`${block}.0.in_layers.2.weight`);
    if (!isRes) {
      // A Downsample: a strided conv `.0.op`, or an average pool with no weights at all.
      if (!r.has(`${block}.0.op.weight`)) convResample = false;
      if (!current) throw new Error(`${r.src.name}: "${r.prefix}${block}" downsamples an empty level`);
      levels.push(current);
      current = undefined;
      continue;
    }
    const [channels] = r.shape(`${block}.0.in_layers.2.weight`, 4);
    const depth = transformerDepth(r, `${block}.1`);
    if (!current) current = { channels, numResBlocks: 0, transformerDepth: depth };
    if (current.channels !== channels || current.transformerDepth !== depth) {
      throw new Error(
        `${r.src.name}: "${r.prefix}${block}" has ${channels} channels and transformer depth ${depth}; ` +
          `its level has ${current.channels} and ${current.transformerDepth}`,
      );
    }
    current.numResBlocks++;
  }
  if (!current) throw new Error(`${r.src.name}: no residual blocks after the last U-Net downsample`);
  levels.push(current);
  if (levels.some((l) => l.channels % modelChannels !== 0)) {
    throw new Error(
      `${r.src.name}: level widths ${levels.map((l) => l.channels)} are not multiples of ${modelChannels}`,
    );
  }
  return { levels, convResample };
}

/** The first transformer block anywhere (for context width and projection kind). */
function firstTransformer(r: KeyReader): string {
  const candidates = [...r.indices('input_blocks.').map((i) => `input_blocks.${i}.1`), 'middle_block.1'];
  const found = candidates.find((b) => r.has(`${b}.transformer_blocks.0.attn2.to_k.weight`));
  if (found) return found;
  throw new Error(
    `${r.src.name}: no U-Net SpatialTransformer (transformer_blocks.0.attn2.to_k.weight) found`,
  );
}

function checkHeads(src: TensorSource, heads: HeadSpec, levels: readonly UnetLevel[]): void {
  for (const level of levels) {
    if (level.transformerDepth === 0) continue;
    const c = level.channels;
    const ok = 'numHeads' in heads ? c % heads.numHeads === 0 : c % heads.headChannels === 0;
    if (!ok)
      throw new Error(`${src.name}: ${c} attention channels do not split into ${JSON.stringify(heads)}`);
  }
}

export function readUnetStructure(src: TensorSource, options: ReadUnetOptions = {}): UnetStructure {
  const r = new KeyReader(src, options.prefix ?? UNET_PREFIX);
  const [modelChannels, inChannels] = r.shape('input_blocks.0.0.weight', 4);
  const [outChannels] = r.shape('out.2.weight', 4);
  const [timeEmbedDim, timeIn] = r.shape('time_embed.0.weight', 2);
  if (timeIn !== modelChannels) {
    throw new Error(
      `${src.name}: "${r.prefix}time_embed.0.weight" takes ${timeIn} inputs, expected ${modelChannels}`,
    );
  }
  const { levels, convResample } = readLevels(r, modelChannels);
  const transformer = firstTransformer(r);
  const [, contextDim] = r.shape(`${transformer}.transformer_blocks.0.attn2.to_k.weight`, 2);
  const projRank = src.info(`${r.prefix}${transformer}.proj_in.weight`).shape.length;
  if (projRank !== 2 && projRank !== 4) {
    throw new Error(`${src.name}: "${r.prefix}${transformer}.proj_in.weight" is neither Linear nor 1×1 conv`);
  }
  const linearProjection = projRank === 2;
  const heads = options.heads ?? (linearProjection ? { headChannels: 64 } : { numHeads: 8 });
  checkHeads(src, heads, levels);
  const structure: UnetStructure = {
    prefix: r.prefix,
    inChannels,
    outChannels,
    modelChannels,
    timeEmbedDim,
    levels,
    middleTransformerDepth: transformerDepth(r, 'middle_block.1'),
    contextDim,
    linearProjection,
    heads,
    convResample,
  };
  if (r.has('label_emb.0.0.weight')) {
    structure.admInChannels = r.shape('label_emb.0.0.weight', 2)[1];
    structure.vector = readVectorConditioning(src, structure.admInChannels, options.timeIds);
  }
  return structure;
}

/** Heads and head width of a SpatialTransformer with `channels` channels (as UNetModel computes them). */
export function attentionHeads(heads: HeadSpec, channels: number): { count: number; width: number } {
  if ('numHeads' in heads) return { count: heads.numHeads, width: channels / heads.numHeads };
  return { count: channels / heads.headChannels, width: heads.headChannels };
}
