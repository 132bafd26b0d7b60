// The text encoder's structure, read from key names and tensor shapes (never from a file name):
// - SD 1.x stores OpenAI's CLIP ViT-L/14 text model in transformers' layout under
//   `cond_stage_model.transformer.text_model.` (quick-GELU, 12 heads of 64);
// - SD 2.x stores OpenCLIP ViT-H/14's text tower under `cond_stage_model.model.` (exact GELU, 16 heads of
//   64, attention projections packed in `attn.in_proj_weight` [3W, W] as q, k, v).
// Both use a causal mask, LayerNorm eps 1e-5 and pool the final-norm state at argmax(ids) (the EOS token).
import type { TensorSource } from './tensor-source.ts';

export type ClipLayout = 'hf' | 'openclip';

export interface ClipTextStructure {
  layout: ClipLayout;
  /** Key prefix of the text model, e.g. `cond_stage_model.transformer.text_model.`. */
  prefix: string;
  vocab: number;
  /** Tokens per prompt (the positional table's length, 77). */
  contextLength: number;
  width: number;
  heads: number;
  mlpWidth: number;
  layers: number;
  activation: 'quick_gelu' | 'gelu';
  /** OpenCLIP's text_projection [width, dim] (pooled -> text_embeds), when present. */
  projectionDim: number | null;
}

/** Where each layout keeps its text model inside an SD checkpoint. */
export const CLIP_PREFIXES: Record<ClipLayout, string> = {
  hf: 'cond_stage_model.transformer.text_model.',
  openclip: 'cond_stage_model.model.',
};

/** Every released CLIP/OpenCLIP text tower uses 64-wide heads. */
export const CLIP_HEAD_WIDTH = 64;

/** 1 + the largest N among keys `${listPrefix}N.…`. */
export function countNumbered(src: TensorSource, listPrefix: string): number {
  let count = 0;
  for (const key of src.keys()) {
    if (!key.startsWith(listPrefix)) continue;
    const index = key.slice(listPrefix.length).split('.')[0];
    if (/^\d+$/.test(index)) count = Math.max(count, Number(index) + 1);
  }
  return count;
}

function need(src: TensorSource, key: string, rank: number): readonly number[] {
  if (!src.has(key)) throw new Error(`${src.name}: missing tensor "${key}" of the text encoder`);
  const shape = src.info(key).shape;
  if (shape.length !== rank) {
    throw new Error(
      `${src.name}: tensor "${key}" has shape [${shape.join(', ')}], expected ${rank} dimensions`,
    );
  }
  return shape;
}

function withHeads(
  s: Omit<ClipTextStructure, 'heads'>,
  src: TensorSource,
  headWidth: number,
): ClipTextStructure {
  if (s.layers === 0) throw new Error(`${src.name}: no transformer layers under "${s.prefix}"`);
  if (s.width % headWidth !== 0) {
    throw new Error(`${src.name}: text width ${s.width} is not a multiple of the head width ${headWidth}`);
  }
  return { ...s, heads: s.width / headWidth };
}

function readHf(src: TensorSource, prefix: string, headWidth: number): ClipTextStructure {
  const [vocab, width] = need(src, `${prefix}embeddings.token_embedding.weight`, 2);
  const [contextLength] = need(src, `${prefix}embeddings.position_embedding.weight`, 2);
  const [mlpWidth] = need(src, `${prefix}encoder.layers.0.mlp.fc1.weight`, 2);
  const layers = countNumbered(src, `${prefix}encoder.layers.`);
  const base = { layout: 'hf' as const, prefix, vocab, contextLength, width, mlpWidth, layers };
  return withHeads({ ...base, activation: 'quick_gelu', projectionDim: null }, src, headWidth);
}

function readOpenClip(src: TensorSource, prefix: string, headWidth: number): ClipTextStructure {
  const [vocab, width] = need(src, `${prefix}token_embedding.weight`, 2);
  const [contextLength] = need(src, `${prefix}positional_embedding`, 2);
  const [mlpWidth] = need(src, `${prefix}transformer.resblocks.0.mlp.c_fc.weight`, 2);
  const layers = countNumbered(src, `${prefix}transformer.resblocks.`);
  const projection = src.has(`${prefix}text_projection`) ? need(src, `${prefix}text_projection`, 2) : null;
  const base = { layout: 'openclip' as const, prefix, vocab, contextLength, width, mlpWidth, layers };
  return withHeads({ ...base, activation: 'gelu', projectionDim: projection?.[1] ?? null }, src, headWidth);
}

/**
 * The text encoder of an SD 1.x/2.x checkpoint. `prefix` overrides where it is looked for (a standalone
 * text-encoder file has none); `headWidth` exists for tiny test models, real ones use 64.
 */
export function readClipStructure(
  src: TensorSource,
  options: { layout?: ClipLayout; prefix?: string; headWidth?: number } = {},
): ClipTextStructure {
  const headWidth = options.headWidth ?? CLIP_HEAD_WIDTH;
  const layouts: ClipLayout[] = options.layout ? [options.layout] : ['hf', 'openclip'];
  for (const layout of layouts) {
    const prefix = options.prefix ?? CLIP_PREFIXES[layout];
    const probe = layout === 'hf' ? 'embeddings.token_embedding.weight' : 'token_embedding.weight';
    if (!src.has(`${prefix}${probe}`)) continue;
    return layout === 'hf' ? readHf(src, prefix, headWidth) : readOpenClip(src, prefix, headWidth);
  }
  const where = layouts.map((l) => `"${options.prefix ?? CLIP_PREFIXES[l]}"`).join(' or ');
  throw new Error(
    `${src.name}: no text encoder found (expected CLIP-L keys in transformers' layout or OpenCLIP keys under ${where})`,
  );
}
