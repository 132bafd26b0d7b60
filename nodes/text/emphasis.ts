// Prompt weights applied to a text encoder's hidden states the way A1111 does by default
// ("Original" emphasis, modules/sd_hijack_clip.py process_tokens): each token's hidden state is
// multiplied by its weight, then the whole chunk is rescaled so its mean equals the unweighted
// mean: z' = z·w · (mean(z) / mean(z·w)). (ComfyUI's default instead interpolates towards the
// empty prompt's states; Diffgraph follows A1111 here.)
import type { PromptSegment } from './prompt-weights.ts';

export interface WeightedRow {
  /** Exactly `maxLength` ids: start, tokens, end, padding. */
  ids: Int32Array;
  /** One weight per id (1 for start, end and padding). */
  weights: Float32Array;
  truncated: boolean;
}

export interface RowTokens {
  maxLength: number;
  /** The ids of the empty prompt: [start, end, padding…], from the encoder's own tokenizer. */
  empty: Int32Array;
  tokenIds(text: string): number[];
}

/** Weighted text segments as one id row; tokens past maxLength - 2 are cut (`truncated`). */
export function weightedRow(segments: readonly PromptSegment[], tokens: RowTokens): WeightedRow {
  const room = tokens.maxLength - 2;
  const ids: number[] = [];
  const weights: number[] = [];
  for (const segment of segments) {
    if (segment.kind !== 'text') continue;
    for (const id of tokens.tokenIds(segment.text)) {
      ids.push(id);
      weights.push(segment.weight);
    }
  }
  const kept = Math.min(ids.length, room);
  const row = Int32Array.from(tokens.empty);
  const end = tokens.empty[1];
  row.set(ids.slice(0, kept), 1);
  row[kept + 1] = end;
  const rowWeights = new Float32Array(tokens.maxLength).fill(1);
  rowWeights.set(weights.slice(0, kept), 1);
  return { ids: row, weights: rowWeights, truncated: ids.length > room };
}

/** A1111's emphasis on one [tokens, width] chunk (in place): scale rows by weight, restore the mean. */
export function applyEmphasis(states: Float32Array, weights: Float32Array, width: number): void {
  if (weights.every((w) => w === 1)) return;
  let before = 0;
  for (let i = 0; i < states.length; i++) before += states[i];
  let after = 0;
  for (let i = 0; i < states.length; i++) {
    states[i] *= weights[Math.floor(i / width)];
    after += states[i];
  }
  const scale = before / after;
  for (let i = 0; i < states.length; i++) states[i] *= scale;
}

/** Does the prompt use weights at all (else the plain, cached encoding serves)? */
export function isPlain(segments: readonly PromptSegment[]): boolean {
  return segments.every((s) => s.kind === 'text' && s.weight === 1);
}
