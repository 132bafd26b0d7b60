// Conditionings of different lengths (long prompts give 77·k tokens) in one U-Net batch, as ComfyUI
// joins them (comfy/conds.py, CONDCrossAttn.concat): each is tiled along the sequence to the least
// common multiple of the lengths. Tiling cross-attention's keys and values leaves its output unchanged
// (each repeated key gets the same softmax weight, so the weights of its copies sum to the original
// one), so the joined call equals separate calls. Past 4× tiling ComfyUI calls them separately, and
// so does Diffgraph.
import type { Tensor } from '../types.ts';

export const MAX_TILING = 4;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The common sequence length of two conditionings, or null where the tiling would exceed 4×. */
export function commonSequenceLength(a: number, b: number): number | null {
  const lcm = (a / gcd(a, b)) * b;
  return lcm / Math.min(a, b) > MAX_TILING ? null : lcm;
}

/** `cond` [B, L, W] tiled along the sequence to `tokens` (a multiple of L): [B, tokens, W]. */
export function tileSequence(cond: Tensor, tokens: number): Tensor {
  const [batch, length, width] = cond.shape;
  if (length === tokens) return cond;
  if (tokens % length !== 0) throw new Error(`cannot tile ${length} tokens to ${tokens}`);
  const item = length * width;
  const data = new Float32Array(batch * tokens * width);
  for (let b = 0; b < batch; b++) {
    const src = cond.data.subarray(b * item, (b + 1) * item);
    for (let r = 0; r < tokens / length; r++) data.set(src, b * tokens * width + r * item);
  }
  return { data, shape: [batch, tokens, width] };
}
