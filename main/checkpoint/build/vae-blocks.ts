// The VAE's building blocks as LDM computes them (sgm/modules/diffusionmodules/model.py): GroupNorm(32,
// eps 1e-6), swish, 3×3 convolutions, ResnetBlock with a 1×1 nin_shortcut when the width changes,
// single-head AttnBlock with 1×1-conv q/k/v/proj_out, nearest ×2 upsampling, and downsampling by a
// (0,1,0,1) zero pad then a stride-2 3×3 conv. All weights float32.
import type { CheckpointWeights } from './weights.ts';

const GROUPS = 32;
const EPS = 1e-6;

/**
 * GroupNorm as Reshape [B, G, -1] -> InstanceNormalization -> Reshape -> per-channel Mul/Add: the
 * normalisation statistics of InstanceNormalization over [B, G, N] are exactly GroupNorm's, and every
 * execution provider runs these ops.
 */
export async function groupNorm(
  w: CheckpointWeights,
  x: string,
  prefix: string,
  channels: number,
): Promise<string> {
  const g = w.g;
  if (channels % GROUPS !== 0) {
    throw new Error(
      `${w.src.name}: "${prefix}" normalises ${channels} channels, not a multiple of ${GROUPS} groups`,
    );
  }
  const grouped = g.node('Reshape', [x, g.i64([0, GROUPS, -1])]);
  const ones = w.constant('groupnorm_ones', () => new Float32Array(GROUPS).fill(1), [GROUPS]);
  const zeros = w.constant('groupnorm_zeros', () => new Float32Array(GROUPS), [GROUPS]);
  const normed = g.node('InstanceNormalization', [grouped, ones, zeros], { epsilon: { f: EPS } });
  const back = g.node('Reshape', [normed, g.node('Shape', [x])]);
  const gamma = await w.tensor(`${prefix}.weight`, [channels], [channels, 1, 1]);
  const beta = await w.tensor(`${prefix}.bias`, [channels], [channels, 1, 1]);
  return g.node('Add', [g.node('Mul', [back, gamma]), beta]);
}

export function swish(w: CheckpointWeights, x: string): string {
  return w.g.node('Mul', [x, w.g.node('Sigmoid', [x])]);
}

/** A torch Conv2d `${prefix}.weight` [out, in, k, k] (shape read from the file); returns [y, out]. */
export async function conv(
  w: CheckpointWeights,
  x: string,
  prefix: string,
  inChannels: number,
  opts: { stride?: number; pads?: number[] } = {},
): Promise<[string, number]> {
  const shape = w.shape(`${prefix}.weight`);
  const [out, , k] = shape;
  const weight = await w.tensor(`${prefix}.weight`, [out, inChannels, k, k]);
  const bias = await w.tensor(`${prefix}.bias`, [out]);
  const pad = Math.floor(k / 2);
  const y = w.g.node('Conv', [x, weight, bias], {
    kernel_shape: [k, k],
    strides: [opts.stride ?? 1, opts.stride ?? 1],
    pads: opts.pads ?? [pad, pad, pad, pad],
  });
  return [y, out];
}

export async function resnetBlock(w: CheckpointWeights, x: string, prefix: string, inCh: number) {
  const [h1, out] = await conv(
    w,
    swish(w, await groupNorm(w, x, `${prefix}.norm1`, inCh)),
    `${prefix}.conv1`,
    inCh,
  );
  const [h2] = await conv(
    w,
    swish(w, await groupNorm(w, h1, `${prefix}.norm2`, out)),
    `${prefix}.conv2`,
    out,
  );
  const skip = inCh === out ? x : (await conv(w, x, `${prefix}.nin_shortcut`, inCh))[0];
  return { y: w.g.node('Add', [skip, h2]), channels: out };
}

/** x + proj_out(softmax(q kᵀ / √C) v) over the H·W positions, one head of width C. */
export async function attnBlock(w: CheckpointWeights, x: string, prefix: string, channels: number) {
  const g = w.g;
  const h = await groupNorm(w, x, `${prefix}.norm`, channels);
  const flat = async (name: string) =>
    g.node('Reshape', [(await conv(w, h, `${prefix}.${name}`, channels))[0], g.i64([0, 0, -1])]);
  const q = g.node('Transpose', [await flat('q')], { perm: [0, 2, 1] }); // [B, HW, C]
  const k = await flat('k'); // [B, C, HW]
  const v = g.node('Transpose', [await flat('v')], { perm: [0, 2, 1] });
  const scores = g.node('Mul', [g.node('MatMul', [q, k]), g.scalar(1 / Math.sqrt(channels))]);
  const mixed = g.node('MatMul', [g.node('Softmax', [scores], { axis: -1 }), v]); // [B, HW, C]
  const image = g.node('Reshape', [g.node('Transpose', [mixed], { perm: [0, 2, 1] }), g.node('Shape', [x])]);
  return g.node('Add', [x, (await conv(w, image, `${prefix}.proj_out`, channels))[0]]);
}

export async function upsample(w: CheckpointWeights, x: string, prefix: string, channels: number) {
  // torch's interpolate(scale_factor=2, mode="nearest") = asymmetric coordinates, floor.
  const scales = w.constant('upsample_scales', () => Float32Array.of(1, 1, 2, 2), [4]);
  const up = w.g.node('Resize', [x, '', scales], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
  return (await conv(w, up, `${prefix}.conv`, channels))[0];
}

export async function downsample(w: CheckpointWeights, x: string, prefix: string, channels: number) {
  // No asymmetric padding in torch's conv: LDM pads right and bottom by one, then convolves with stride 2.
  const padded = w.g.node('Pad', [x, w.g.i64([0, 0, 0, 0, 0, 0, 1, 1])], { mode: 'constant' });
  return (await conv(w, padded, `${prefix}.conv`, channels, { stride: 2, pads: [0, 0, 0, 0] }))[0];
}
