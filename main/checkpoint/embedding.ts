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

/** Read an embedding's vectors; `width` (the text encoder's hidden size) is checked when given. */
export async function readEmbedding(src: TensorSource, width?: number): Promise<Embedding> {
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
  if (width !== undefined && layout !== 'sdxl') {
    const actual = vectors.get('default')?.width;
    if (actual !== width) {
      const family = (w?: number) => (w === 768 ? ' (SD 1.x)' : w === 1024 ? ' (SD 2.x)' : '');
      throw new Error(
        `${src.name}: the embedding's vectors are ${actual} wide${family(actual)} but this text encoder takes ${width}${family(width)}: it was made for another model`,
      );
    }
  }
  if (width !== undefined && layout === 'sdxl') {
    throw new Error(
      `${src.name}: an SDXL embedding (clip_l + clip_g) needs SDXL support, which is not built yet`,
    );
  }
  return { name: src.name, tokens, vectors, layout };
}
