// The blocks of the LDM U-Net (sgm/modules/diffusionmodules/openaimodel.py, sgm/modules/attention.py),
// each computing exactly what the original module computes.
import type { AttentionOptions, NetOps } from './net-ops.ts';

/** Per-build settings the blocks share. */
export interface UnetBlockContext {
  ops: NetOps;
  /** SiLU(emb): the first layer of every ResBlock's emb_layers, computed once. */
  embSilu: string;
  timeEmbedDim: number;
  /** encoder_hidden_states in the build dtype, and its width. */
  context: string;
  contextDim: number;
  linearProjection: boolean;
  attention: AttentionOptions;
}

/**
 * Sinusoidal timestep embedding, cos first, no frequency shift (LDM `timestep_embedding`):
 * [cos(t·fᵢ), sin(t·fᵢ)] with fᵢ = exp(−ln(10000)·i/half), in float32 as torch computes it.
 */
export function timestepEmbedding(ops: NetOps, t: string, dim: number): string {
  if (dim % 2 !== 0) throw new Error(`timestep embedding width ${dim} is odd`);
  const half = dim / 2;
  const lnMax = Math.fround(-Math.log(10000));
  const freqs = Float32Array.from({ length: half }, (_, i) =>
    Math.exp(Math.fround(Math.fround(lnMax * i) / half)),
  );
  const g = ops.g;
  const args = g.node('Mul', [g.node('Reshape', [t, g.i64([-1, 1])]), g.f32('freqs', freqs, [1, half])]);
  return g.node('Concat', [g.node('Cos', [args]), g.node('Sin', [args])], { axis: 1 });
}

/** ResBlock: GN → SiLU → conv, + emb projection, GN → SiLU → conv, + skip (1×1 conv when channels change). */
export async function resBlock(
  b: UnetBlockContext,
  x: string,
  key: string,
  cin: number,
  cout: number,
): Promise<string> {
  const { ops } = b;
  const g = ops.g;
  let h = ops.silu(await ops.groupNorm(x, `${key}.in_layers.0`, cin, 1e-5));
  h = await ops.conv(h, `${key}.in_layers.2`, cin, cout, 3);
  const emb = await ops.linear(b.embSilu, `${key}.emb_layers.1`, b.timeEmbedDim, cout);
  h = g.node('Add', [h, g.node('Reshape', [emb, g.i64([0, -1, 1, 1])])]);
  h = ops.silu(await ops.groupNorm(h, `${key}.out_layers.0`, cout, 1e-5));
  h = await ops.conv(h, `${key}.out_layers.3`, cout, cout, 3);
  const skip = cin === cout ? x : await ops.conv(x, `${key}.skip_connection`, cin, cout, 1);
  return g.node('Add', [skip, h]);
}

/** CrossAttention: q from x, k/v from `context` (x itself for self-attention), heads, to_out. */
async function crossAttention(
  b: UnetBlockContext,
  x: string,
  key: string,
  c: number,
  context: { value: string; dim: number },
  heads: { count: number; width: number },
): Promise<string> {
  const { ops } = b;
  const q = await ops.linear(x, `${key}.to_q`, c, c, false);
  const k = await ops.linear(context.value, `${key}.to_k`, context.dim, c, false);
  const v = await ops.linear(context.value, `${key}.to_v`, context.dim, c, false);
  const out = ops.attention(q, k, v, heads.count, heads.width, b.attention);
  return ops.linear(out, `${key}.to_out.0`, c, c);
}

/** FeedForward with GEGLU: (a, gate) = proj(x) split in halves; a · gelu(gate) → Linear. */
async function feedForward(b: UnetBlockContext, x: string, key: string, c: number): Promise<string> {
  const { ops } = b;
  const inner = 4 * c;
  const proj = await ops.linear(x, `${key}.net.0.proj`, c, 2 * inner);
  const [a, gate] = ops.g.nodeN('Split', [proj, ops.g.i64([inner, inner])], 2, { axis: -1 });
  return ops.linear(ops.g.node('Mul', [a, ops.gelu(gate)]), `${key}.net.2`, inner, c);
}

/** BasicTransformerBlock: x += attn1(norm1 x); x += attn2(norm2 x, context); x += ff(norm3 x). */
async function transformerBlock(
  b: UnetBlockContext,
  x: string,
  key: string,
  c: number,
  heads: { count: number; width: number },
): Promise<string> {
  const { ops } = b;
  const g = ops.g;
  const n1 = await ops.layerNorm(x, `${key}.norm1`, c);
  x = g.node('Add', [await crossAttention(b, n1, `${key}.attn1`, c, { value: n1, dim: c }, heads), x]);
  const n2 = await ops.layerNorm(x, `${key}.norm2`, c);
  const ctx = { value: b.context, dim: b.contextDim };
  x = g.node('Add', [await crossAttention(b, n2, `${key}.attn2`, c, ctx, heads), x]);
  const n3 = await ops.layerNorm(x, `${key}.norm3`, c);
  return g.node('Add', [await feedForward(b, n3, `${key}.ff`, c), x]);
}

/** SpatialTransformer: GN(eps 1e-6) → proj_in (1×1 conv or Linear) → blocks → proj_out, + input. */
export async function spatialTransformer(
  b: UnetBlockContext,
  x: string,
  key: string,
  c: number,
  depth: number,
  heads: { count: number; width: number },
): Promise<string> {
  const { ops } = b;
  const g = ops.g;
  let h = await ops.groupNorm(x, `${key}.norm`, c, 1e-6);
  if (!b.linearProjection) h = await ops.conv(h, `${key}.proj_in`, c, c, 1);
  h = g.node('Transpose', [g.node('Reshape', [h, g.i64([0, c, -1])])], { perm: [0, 2, 1] });
  if (b.linearProjection) h = await ops.linear(h, `${key}.proj_in`, c, c);
  for (let d = 0; d < depth; d++)
    h = await transformerBlock(b, h, `${key}.transformer_blocks.${d}`, c, heads);
  if (b.linearProjection) h = await ops.linear(h, `${key}.proj_out`, c, c);
  h = g.node('Reshape', [g.node('Transpose', [h], { perm: [0, 2, 1] }), g.node('Shape', [x])]);
  if (!b.linearProjection) h = await ops.conv(h, `${key}.proj_out`, c, c, 1);
  return g.node('Add', [h, x]);
}

/** Downsample: 3×3 conv stride 2 padding 1 (`op`), or 2×2 average pooling without conv_resample. */
export async function downsample(
  ops: NetOps,
  x: string,
  key: string,
  c: number,
  conv: boolean,
): Promise<string> {
  if (!conv) return ops.g.node('AveragePool', [x], { kernel_shape: [2, 2], strides: [2, 2] });
  return ops.conv(x, `${key}.op`, c, c, 3, 2, 1);
}

/** Upsample: nearest ×2 (F.interpolate 'nearest' = floor of the asymmetric source index), then 3×3 conv. */
export async function upsample(
  ops: NetOps,
  x: string,
  key: string,
  c: number,
  conv: boolean,
): Promise<string> {
  const g = ops.g;
  const up = g.node('Resize', [x, '', g.f32('up_scales', [1, 1, 2, 2])], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
  return conv ? ops.conv(up, `${key}.conv`, c, c, 3) : up;
}
