// Long prompts and BREAK, as A1111 splits them (modules/sd_hijack_clip.py, tokenize_line): the
// prompt's tokens fill chunks of maxLength - 2 (75) tokens; each chunk becomes its own id row —
// start token, its tokens, end token, the tokenizer's padding — encoded separately, and the hidden
// states are concatenated along the sequence (77·k tokens). `BREAK` closes the current chunk (even
// an empty one, as A1111 does). An embedding's vectors are never split: one that does not fit in the
// current chunk starts the next. A1111's comma backtracking is an option (`commaBacktrack`, off by
// default as in ComfyUI, which has none): when a chunk is full and a comma lies within the last
// `window` tokens, the chunk ends after that comma and the tokens after it start the next chunk.
import type { PromptSegment } from './prompt-weights.ts';

/** One prompt position: a vocabulary id, or -k for row k-1 of the prompt's embedding vectors. */
export interface PromptToken {
  id: number;
  weight: number;
}

/** A run of tokens that must stay in one chunk (a word's tokens may split; an embedding's may not). */
export type TokenRun = { kind: 'tokens'; tokens: PromptToken[]; whole: boolean } | { kind: 'break' };

export interface ChunkRow {
  /** Exactly maxLength ids: start, tokens, end, padding. */
  ids: Int32Array;
  /** One weight per id (1 for start, end and padding). */
  weights: Float32Array;
}

export interface ChunkOptions {
  maxLength: number;
  /** The ids of the empty prompt: [start, end, padding…], from the encoder's own tokenizer. */
  empty: Int32Array;
  /** At most this many chunks; later tokens are cut (`truncated`). */
  maxChunks: number;
  /** A1111's comma_padding_backtrack (its default 20): the comma's id and how far back to look. */
  commaBacktrack?: { commaId: number; window: number };
}

/** Most chunks one prompt may make (2400 tokens): bounds the encoder calls a graph can ask for. */
export const MAX_CHUNKS = 32;

function row(tokens: readonly PromptToken[], options: ChunkOptions): ChunkRow {
  const ids = Int32Array.from(options.empty);
  const weights = new Float32Array(options.maxLength).fill(1);
  tokens.forEach((t, i) => {
    ids[i + 1] = t.id;
    weights[i + 1] = t.weight;
  });
  ids[tokens.length + 1] = options.empty[1];
  return { ids, weights };
}

/** The runs' tokens as chunk rows; `truncated` when more than `maxChunks` were needed. */
export function chunkRows(
  runs: readonly TokenRun[],
  options: ChunkOptions,
): { rows: ChunkRow[]; truncated: boolean } {
  const room = options.maxLength - 2;
  const chunks: PromptToken[][] = [];
  let current: PromptToken[] = [];
  /** Index of the last comma in `current` (-1: none since the chunk began). */
  let lastComma = -1;
  const close = () => {
    chunks.push(current);
    current = [];
    lastComma = -1;
  };
  // A1111's order (sd_hijack_clip.py, tokenize_line): a comma is noted where it will land; a full
  // chunk meeting any other token first moves the tokens after a near comma to the next chunk.
  const backtrack = () => {
    const window = options.commaBacktrack?.window ?? 0;
    if (window === 0 || lastComma < 0 || current.length !== room || room - lastComma > window) return;
    const moved = current.splice(lastComma + 1);
    close();
    current = moved;
  };
  const commaId = options.commaBacktrack?.commaId;
  for (const run of runs) {
    if (run.kind === 'break') {
      close();
      continue;
    }
    if (!run.whole) {
      for (const token of run.tokens) {
        if (token.id === commaId) lastComma = current.length;
        else backtrack();
        if (current.length === room) close();
        current.push(token);
      }
      continue;
    }
    if (run.tokens.length > room)
      throw new Error(`an embedding of ${run.tokens.length} tokens does not fit in ${room}`);
    backtrack();
    if (current.length + run.tokens.length > room) close();
    current.push(...run.tokens);
  }
  if (current.length > 0 || chunks.length === 0) close();
  const truncated = chunks.length > options.maxChunks;
  return { rows: chunks.slice(0, options.maxChunks).map((c) => row(c, options)), truncated };
}

/** Where each embedding's vectors start among the prompt's vector rows. */
export interface EmbeddingRows {
  firstRow: number;
  tokens: number;
}

/**
 * Weighted segments as token runs: text through `tokenIds`, embeddings as negative ids. Text is
 * tokenized only while fewer than `limit` tokens were made (a huge prompt is never tokenized whole).
 */
export function tokenRuns(
  segments: readonly PromptSegment[],
  tokenIds: (text: string, limit: number) => number[],
  embeddings: ReadonlyMap<string, EmbeddingRows>,
  limit = Number.POSITIVE_INFINITY,
): TokenRun[] {
  let made = 0;
  return segments.map((segment): TokenRun => {
    if (segment.kind === 'break') return { kind: 'break' };
    if (segment.kind === 'text') {
      const ids = made > limit ? [] : tokenIds(segment.text, limit - made);
      made += ids.length;
      const tokens = ids.map((id) => ({ id, weight: segment.weight }));
      return { kind: 'tokens', tokens, whole: false };
    }
    const rows = embeddings.get(segment.name);
    if (!rows) throw new Error(`embedding:${segment.name} was not loaded`);
    const tokens = Array.from({ length: rows.tokens }, (_, i) => ({
      id: -(rows.firstRow + i) - 1,
      weight: segment.weight,
    }));
    return { kind: 'tokens', tokens, whole: true };
  });
}

/** Hidden states of the chunks [1, T, W] each, concatenated along the sequence: [1, k·T, W]. */
export function concatSequence(parts: readonly { data: Float32Array; shape: readonly number[] }[]): {
  data: Float32Array;
  shape: number[];
} {
  const [, tokens, width] = parts[0].shape;
  const data = new Float32Array(parts.length * tokens * width);
  for (const [i, p] of parts.entries()) data.set(p.data, i * tokens * width);
  return { data, shape: [1, parts.length * tokens, width] };
}
