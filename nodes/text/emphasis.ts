// Prompt weights applied to a text encoder's hidden states the way A1111 does by default
// ("Original" emphasis, modules/sd_hijack_clip.py process_tokens): each token's hidden state is
// multiplied by its weight, then the whole chunk is rescaled so its mean equals the unweighted
// mean: z' = z·w · (mean(z) / mean(z·w)). (ComfyUI's default instead interpolates towards the
// empty prompt's states; Diffgraph follows A1111 here.)
import type { PromptSegment } from './prompt-weights.ts';

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
