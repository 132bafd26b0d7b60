// SDXL prompts in chunks, as ComfyUI builds them (comfy/sdxl_clip.py, comfy_extras/nodes_clip_sdxl.py):
// each encoder's prompt becomes chunk rows of 75 tokens (chunks.ts; BREAK starts a new chunk), and
// the encoder with fewer chunks gets chunks of the empty prompt until both have as many. An
// `embedding:name` puts that encoder's own vectors from the SDXL embedding file (clip_l or clip_g)
// at the same token positions.
import { type NodeContext, NodeInputError } from '../api.ts';
import type { RowTokenizer } from '../types.ts';
import { type ChunkRow, chunkRows, MAX_CHUNKS, tokenRuns } from './chunks.ts';
import { loadEmbeddings } from './encode-chunks.ts';
import { parsePromptWeights } from './prompt-weights.ts';

export interface SdxlPromptChunks {
  rows: ChunkRow[];
  /** The prompt's embedding vectors [n, width] that its negative ids select; absent when it has none. */
  vectors?: Float32Array;
}

/** One encoder's chunk rows for `text` (`field` names the node input, `slot` the encoder). */
export async function sdxlPromptChunks(
  ctx: NodeContext,
  text: string,
  tokens: RowTokenizer,
  input: { field: string; slot: 'clip_l' | 'clip_g' },
): Promise<SdxlPromptChunks> {
  const segments = parsePromptWeights(text);
  const { field, slot } = input;
  if (tokens.width === undefined && segments.some((s) => s.kind === 'embedding'))
    throw new NodeInputError(field, 'this SDXL CLIP cannot take textual-inversion embeddings');
  const vectors = await loadEmbeddings(ctx, segments, { width: tokens.width ?? 0, slot, field });
  // Enough tokens to fill every chunk and see that there were more.
  const limit = MAX_CHUNKS * (tokens.maxLength - 2) + 1;
  const runs = tokenRuns(segments, (part, left) => tokens.tokenIds(part, left), vectors.rows, limit);
  const options = { maxLength: tokens.maxLength, empty: tokens.empty, maxChunks: MAX_CHUNKS };
  const { rows, truncated } = chunkRows(runs, options);
  if (truncated) {
    ctx.warn(
      `${field}: prompt needs more than ${MAX_CHUNKS} chunks of ${tokens.maxLength - 2} tokens; the end was cut off`,
    );
  }
  return { rows, vectors: vectors.data.length > 0 ? vectors.data : undefined };
}

/** `rows` followed by chunks of the empty prompt up to `count` (how ComfyUI evens the two encoders). */
export function padWithEmptyChunks(
  rows: readonly ChunkRow[],
  count: number,
  tokens: RowTokenizer,
): ChunkRow[] {
  const padded = [...rows];
  while (padded.length < count) {
    padded.push({ ids: Int32Array.from(tokens.empty), weights: new Float32Array(tokens.maxLength).fill(1) });
  }
  return padded;
}
