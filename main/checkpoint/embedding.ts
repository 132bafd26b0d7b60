// Textual-inversion embeddings (Gal et al. 2022): a few learned token vectors that stand in for a
// word. Layouts in safetensors: A1111's `emb_params` [tokens, width], the `string_to_param.*` key of
// A1111's .pt layout, diffusers' single `<token>` tensor, and SDXL's `clip_l` + `clip_g` pair.
import type { TensorSource } from './tensor-source.ts';

export interface Embedding {
  /** Where it came from, for messages. */
  name: string;
  /** How many tokens the embedding occupies in a prompt. */
  tokens: number;
  /** Vectors per text encoder: `default` for SD 1.x/2.x, `clip_l`/`clip_g` for SDXL. */
  vectors: Map<string, { width: number; values: Float32Array }>;
  layout: 'emb_params' | 'string_to_param' | 'diffusers' | 'sdxl';
}

function pickKeys(src: TensorSource): { layout: Embedding['layout']; keys: [string, string][] } {
  const keys = src.keys();
  if (src.has('clip_l') && src.has('clip_g'))
    return {
      layout: 'sdxl',
      keys: [
        ['clip_l', 'clip_l'],
        ['clip_g', 'clip_g'],
      ],
    };
  if (src.has('emb_params')) return { layout: 'emb_params', keys: [['default', 'emb_params']] };
  const stp = keys.filter((k) => k.startsWith('string_to_param'));
  if (stp.length === 1) return { layout: 'string_to_param', keys: [['default', stp[0]]] };
  if (keys.length === 1) return { layout: 'diffusers', keys: [['default', keys[0]]] };
  throw new Error(
    `${src.name}: not a textual-inversion embedding (expected one of emb_params, string_to_param.*, clip_l + clip_g, or a single token tensor; found ${keys.slice(0, 4).join(', ') || 'no tensors'})`,
  );
}

/** SDXL's two text encoders, named as SDXL embedding files name their vectors. */
export type SdxlEncoderSlot = 'clip_l' | 'clip_g';

const family = (w?: number) => (w === 768 ? ' (SD 1.x)' : w === 1024 ? ' (SD 2.x)' : '');

/**
 * The embedding fits the encoder it is read for: an SD 1.x/2.x encoder (`slot` absent) takes a
 * single-tensor layout `width` wide, an SDXL encoder the file's `slot` tensor `width` wide.
 */
function checkFits(e: Embedding, width: number, slot?: SdxlEncoderSlot): void {
  if (slot && e.layout !== 'sdxl') {
    const actual = e.vectors.get('default')?.width;
    throw new Error(
      `${e.name}: an SD 1.x/2.x embedding (${e.layout}, ${actual} wide${family(actual)}) cannot be used with SDXL: expected an SDXL embedding with clip_l and clip_g tensors [tokens, width]`,
    );
  }
  if (!slot && e.layout === 'sdxl') {
    throw new Error(
      `${e.name}: an SDXL embedding (clip_l + clip_g) cannot be used with this text encoder (${width} wide${family(width)}): expected an SD 1.x/2.x embedding (emb_params [tokens, ${width}])`,
    );
  }
  const actual = e.vectors.get(slot ?? 'default')?.width;
  if (actual === width) return;
  if (slot) {
    throw new Error(
      `${e.name}: the embedding's ${slot} vectors are ${actual} wide but SDXL's ${slot === 'clip_l' ? 'CLIP-L' : 'OpenCLIP-bigG'} takes ${width}: it was made for another model`,
    );
  }
  throw new Error(
    `${e.name}: the embedding's vectors are ${actual} wide${family(actual)} but this text encoder takes ${width}${family(width)}: it was made for another model`,
  );
}

/**
 * Read an embedding's vectors; when `width` (the text encoder's hidden size) is given, the file must
 * fit that encoder: SDXL's `slot` when given, else an SD 1.x/2.x encoder.
 */
export async function readEmbedding(
  src: TensorSource,
  width?: number,
  slot?: SdxlEncoderSlot,
): Promise<Embedding> {
  const { layout, keys } = pickKeys(src);
  const vectors = new Map<string, { width: number; values: Float32Array }>();
  let tokens = 0;
  for (const [slot, key] of keys) {
    const shape = src.info(key).shape;
    if (shape.length < 1 || shape.length > 2) {
      throw new Error(
        `${src.name}: embedding tensor "${key}" has shape [${shape}], expected [tokens, width]`,
      );
    }
    const [count, w] = shape.length === 1 ? [1, shape[0]] : shape;
    if (tokens !== 0 && count !== tokens) {
      throw new Error(
        `${src.name}: "${key}" has ${count} tokens but the other encoder's vectors have ${tokens}`,
      );
    }
    tokens = count;
    vectors.set(slot, { width: w, values: await src.read(key) });
  }
  const embedding: Embedding = { name: src.name, tokens, vectors, layout };
  if (width !== undefined) checkFits(embedding, width, slot);
  return embedding;
}
