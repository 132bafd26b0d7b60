// Conditionings of different lengths (long prompts give 77·k tokens) in one U-Net batch, as ComfyUI
// joins them (comfy/conds.py, CONDCrossAttn.concat): each is tiled along the sequence to the least
// common multiple of the lengths. Tiling cross-attention's keys and values leaves its output unchanged
// (each repeated key gets the same softmax weight, so the weights of its copies sum to the original
// one), so the joined call equals separate calls. Past 4× tiling ComfyUI calls them separately, and
// so does Diffgraph. A model exported for a fixed length gets the first chunk only (fitContextLength).
import type { NodeContext } from '../api.ts';
import type { Conditioning, Denoiser, Tensor } from '../types.ts';

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
export function tileSequence<T extends Tensor>(cond: T, tokens: number): T {
  const [batch, length, width] = cond.shape;
  if (length === tokens) return cond;
  if (tokens % length !== 0) throw new Error(`cannot tile ${length} tokens to ${tokens}`);
  const item = length * width;
  const data = new Float32Array(batch * tokens * width);
  for (let b = 0; b < batch; b++) {
    const src = cond.data.subarray(b * item, (b + 1) * item);
    for (let r = 0; r < tokens / length; r++) data.set(src, b * tokens * width + r * item);
  }
  // Anything else the value carries (SDXL's pooled embedding and sizes) is per item, not per token.
  return { ...cond, data, shape: [batch, tokens, width] };
}

/**
 * A conditioning longer than a fixed-length model takes (an export made for 77 tokens, such as the
 * default model) keeps its first chunk, with a warning: what such a model can use of a long prompt.
 */
export function fitContextLength(
  ctx: Pick<NodeContext, 'warn'>,
  denoiser: Pick<Denoiser, 'name' | 'contextTokens'>,
  cond: Conditioning | undefined,
): Conditioning | undefined {
  const tokens = denoiser.contextTokens;
  if (!cond || tokens === undefined || cond.shape[1] <= tokens) return cond;
  const [batch, length, width] = cond.shape;
  ctx.warn(
    `model '${denoiser.name}' takes ${tokens} tokens of conditioning; the prompt has ${length} (${length / tokens} chunks): only the first chunk is used, the rest was cut off`,
  );
  const data = new Float32Array(batch * tokens * width);
  for (let b = 0; b < batch; b++)
    data.set(cond.data.subarray(b * length * width, (b * length + tokens) * width), b * tokens * width);
  // SDXL's pooled embedding and sizes stay: they are per item, not per token.
  return { ...cond, data, shape: [batch, tokens, width] };
}
