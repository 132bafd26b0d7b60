// TextEncode's full path (weights, clip skip, BREAK, long prompts, `embedding:name`): the prompt
// becomes chunk rows (chunks.ts), the encoder runs them as one batch — with the embeddings' vectors
// when there are any — and each chunk gets A1111's emphasis on its own before the chunks are joined
// along the sequence.
import { type NodeContext, NodeInputError } from '../api.ts';
import type { Conditioning, TextEncoderModel } from '../types.ts';
import { chunkRows, concatSequence, type EmbeddingRows, MAX_CHUNKS, tokenRuns } from './chunks.ts';
import './embedding-service.ts';
import { applyEmphasis } from './emphasis.ts';
import type { PromptSegment } from './prompt-weights.ts';

export interface PromptVectors {
  rows: Map<string, EmbeddingRows>;
  /** Every embedding's vectors, [rows, width] row-major; empty when the prompt names none. */
  data: Float32Array;
}

/**
 * Load each distinct `embedding:name` once, for an encoder `width` wide (`slot`: which of SDXL's
 * encoders); a failure is an error on the node's input `field`.
 */
export async function loadEmbeddings(
  ctx: NodeContext,
  segments: readonly PromptSegment[],
  encoder: { width: number; slot?: 'clip_l' | 'clip_g'; field: string },
): Promise<PromptVectors> {
  const rows = new Map<string, EmbeddingRows>();
  const parts: Float32Array[] = [];
  let next = 0;
  for (const segment of segments) {
    if (segment.kind !== 'embedding' || rows.has(segment.name)) continue;
    const { width, slot, field } = encoder;
    const loaded = await ctx.services.embeddings.load(segment.name, width, slot).catch((error: Error) => {
      throw new NodeInputError(field, error.message);
    });
    rows.set(segment.name, { firstRow: next, tokens: loaded.tokens });
    parts.push(loaded.vectors);
    next += loaded.tokens;
  }
  const data = new Float32Array(next * encoder.width);
  let at = 0;
  for (const part of parts) {
    data.set(part, at);
    at += part.length;
  }
  return { rows, data };
}

export async function encodeChunks(
  ctx: NodeContext,
  clip: TextEncoderModel,
  segments: readonly PromptSegment[],
  clipSkip: number,
  /** A1111's comma_padding_backtrack window (0: none, as ComfyUI). */
  commaBacktrack = 0,
): Promise<Conditioning> {
  const { tokenIds, encodeIds } = clip;
  if (!tokenIds || !encodeIds) {
    throw new NodeInputError(
      'clip',
      `${clip.name} takes only plain prompts at clip skip 1 (prompt weights, BREAK, long prompts, embeddings and clip skip need a CLIP from Load Checkpoint or a converted pipeline)`,
    );
  }
  const vectors = await loadEmbeddings(ctx, segments, { width: clip.hiddenSize, field: 'text' });
  // Enough tokens to fill every chunk and see that there were more.
  const limit = MAX_CHUNKS * (clip.maxLength - 2) + 1;
  const runs = tokenRuns(segments, (text, left) => tokenIds.call(clip, text, left), vectors.rows, limit);
  const { rows, truncated } = chunkRows(runs, {
    maxLength: clip.maxLength,
    empty: clip.tokenize('').ids,
    maxChunks: MAX_CHUNKS,
    commaBacktrack:
      commaBacktrack > 0 ? { commaId: tokenIds.call(clip, ',', 1)[0], window: commaBacktrack } : undefined,
  });
  if (truncated) {
    ctx.warn(
      `prompt needs more than ${MAX_CHUNKS} chunks of ${clip.maxLength - 2} tokens; the end was cut off`,
    );
  }
  const ids = rows.map((r) => r.ids);
  const run = async () => {
    if (vectors.data.length === 0) return encodeIds.call(clip, ids, clipSkip, ctx.signal);
    if (!clip.encodeIdsWithVectors) {
      throw new NodeInputError('clip', `${clip.name} cannot take textual-inversion embeddings`);
    }
    return clip.encodeIdsWithVectors(ids, vectors.data, clipSkip, ctx.signal);
  };
  const states = await run().catch((error: Error) => {
    if (error instanceof NodeInputError) throw error;
    throw new NodeInputError(/clip skip/.test(error.message) ? 'clip_skip' : 'clip', error.message);
  });
  const [, tokens, width] = states.shape;
  const size = tokens * width;
  const chunks = rows.map((r, i) => {
    const data = states.data.slice(i * size, (i + 1) * size);
    applyEmphasis(data, r.weights, width);
    return { data, shape: [1, tokens, width] };
  });
  return concatSequence(chunks);
}
