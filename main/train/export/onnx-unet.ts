// The trained TinyUNet as an ONNX U-Net with diffusers' inputs (sample, timestep,
// encoder_hidden_states → out_sample), computing exactly what the TypeScript forward computes.
// The class reaches the network through encoder_hidden_states [B, 77, K]: the token states are
// summed and clipped to [0, 1] per class, and the class embedding is w·E[0..K−1] + (1 − Σw)·E[K] —
// for the text encoder's one-hot word states this is the trained lookup (no class word: the null row).
import { GraphBuilder } from '../../onnx/graph-builder.ts';
import type { OnnxTypes } from '../../onnx/proto.ts';
import { alphaCumprodAt } from '../../onnx/timestep-table.ts';
import type { SelfAttention } from '../attention.ts';
import type { Conv2d } from '../conv.ts';
import type { Linear } from '../linear.ts';
import type { GroupNorm } from '../norm.ts';
import type { ResBlock } from '../resblock.ts';
import type { TinyUNet } from '../unet.ts';

export const CONTEXT_TOKENS = 77;

class UNetGraph {
  readonly g = new GraphBuilder('diffgraph_trained_unet');

  conv(x: string, layer: Conv2d): string {
    const k = layer.kernel;
    return this.g.node(
      'Conv',
      [x, this.g.f32('w', layer.weight.data, layer.weight.shape), this.g.f32('b', layer.bias.data)],
      {
        kernel_shape: [k, k],
        strides: [layer.stride, layer.stride],
        pads: [layer.pad, layer.pad, layer.pad, layer.pad],
      },
    );
  }

  /** [N, in] → [N, out] with PyTorch-layout weights (Gemm with transB). */
  linear(x: string, layer: Linear): string {
    return this.g.node(
      'Gemm',
      [x, this.g.f32('w', layer.weight.data, layer.weight.shape), this.g.f32('b', layer.bias.data)],
      {
        transB: 1,
      },
    );
  }

  silu(x: string): string {
    return this.g.node('Mul', [x, this.g.node('Sigmoid', [x])]);
  }

  /** Reshape → InstanceNormalization → Reshape → affine (runs on every execution provider). */
  groupNorm(x: string, norm: GroupNorm): string {
    const g = this.g;
    const grouped = g.node('Reshape', [x, g.i64([0, norm.groups, -1])]);
    const ones = g.f32('ones', new Float32Array(norm.groups).fill(1));
    const zeros = g.f32('zeros', new Float32Array(norm.groups));
    const normed = g.node('InstanceNormalization', [grouped, ones, zeros], { epsilon: { f: norm.eps } });
    const back = g.node('Reshape', [normed, g.node('Shape', [x])]);
    const c = norm.channels;
    return g.node('Add', [
      g.node('Mul', [back, g.f32('gamma', norm.weight.data, [c, 1, 1])]),
      g.f32('beta', norm.bias.data, [c, 1, 1]),
    ]);
  }

  resBlock(x: string, emb: string, block: ResBlock): string {
    const g = this.g;
    let h = this.conv(this.silu(this.groupNorm(x, block.norm1)), block.conv1);
    const time = g.node('Unsqueeze', [this.linear(emb, block.timeProj), g.i64([2, 3])]);
    h = g.node('Add', [h, time]);
    h = this.conv(this.silu(this.groupNorm(h, block.norm2)), block.conv2);
    return g.node('Add', [block.skip ? this.conv(x, block.skip) : x, h]);
  }

  attention(x: string, attention: SelfAttention, channels: number): string {
    const g = this.g;
    const normed = this.groupNorm(x, attention.norm);
    const flat = (v: string) => g.node('Reshape', [v, g.i64([0, channels, -1])]);
    const q = flat(this.conv(normed, attention.q));
    const k = flat(this.conv(normed, attention.k));
    const v = flat(this.conv(normed, attention.v));
    const scores = g.node('MatMul', [g.node('Transpose', [q], { perm: [0, 2, 1] }), k]);
    const probs = g.node('Softmax', [g.node('Mul', [scores, g.scalar(1 / Math.sqrt(channels))])], {
      axis: -1,
    });
    const mixed = g.node('MatMul', [v, g.node('Transpose', [probs], { perm: [0, 2, 1] })]);
    const out = this.conv(g.node('Reshape', [mixed, g.node('Shape', [x])]), attention.proj);
    return g.node('Add', [x, out]);
  }

  upsample(x: string): string {
    return this.g.node('Resize', [x, '', this.g.f32('scales', [1, 1, 2, 2])], {
      mode: 'nearest',
      coordinate_transformation_mode: 'asymmetric',
      nearest_mode: 'floor',
    });
  }
}

/** Cos-first sinusoid of the [1] timestep, as time-embedding.ts computes it. */
function sinusoid(u: UNetGraph, t: string, dim: number): string {
  const g = u.g;
  const half = dim / 2;
  const freqs = Float32Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half));
  const angles = g.node('Mul', [g.node('Unsqueeze', [t, g.i64([1])]), g.f32('freqs', freqs, [1, half])]);
  return g.node('Concat', [g.node('Cos', [angles]), g.node('Sin', [angles])], { axis: 1 });
}

function embedding(u: UNetGraph, model: TinyUNet, t: string, context?: string): string {
  const g = u.g;
  let temb = u.linear(
    u.silu(u.linear(sinusoid(u, t, model.config.channels[0]), model.timeLinear1)),
    model.timeLinear2,
  );
  const table = model.classEmbedding;
  if (table && context) {
    const k = model.config.classes;
    const width = model.config.embWidth;
    const weights = g.node('Clip', [
      g.node('ReduceSum', [context, g.i64([1])], { keepdims: 0 }),
      g.scalar(0),
      g.scalar(1),
    ]);
    const rest = g.node('Sub', [g.scalar(1), g.node('ReduceSum', [weights, g.i64([1])], { keepdims: 1 })]);
    const nullWeight = g.node('Clip', [rest, g.scalar(0), g.scalar(1)]);
    const rows = table.weight.data;
    const classPart = g.node('MatMul', [
      weights,
      g.f32('class_rows', rows.subarray(0, k * width), [k, width]),
    ]);
    const nullPart = g.node('Mul', [nullWeight, g.f32('null_row', rows.subarray(k * width), [1, width])]);
    temb = g.node('Add', [temb, g.node('Add', [classPart, nullPart])]);
  }
  return u.silu(temb);
}

/** ε' = (x − √ᾱ·clip(x̂₀, −1, 1))/√(1−ᾱ), x̂₀ = (x − √(1−ᾱ)·ε)/√ᾱ (as sample-clipping.ts). */
function clippedEpsilon(g: GraphBuilder, x: string, eps: string, alphaBar: string): string {
  const a = g.node('Sqrt', [alphaBar]);
  const s = g.node('Sqrt', [g.node('Sub', [g.scalar(1), alphaBar])]);
  const x0 = g.node('Div', [g.node('Sub', [x, g.node('Mul', [s, eps])]), a]);
  const clipped = g.node('Clip', [x0, g.scalar(-1), g.scalar(1)]);
  return g.node('Div', [g.node('Sub', [x, g.node('Mul', [a, clipped])]), s]);
}

/** ε + √(1−ᾱ_t)·x (TinyUNet's noise skip). */
function withNoiseSkip(g: GraphBuilder, x: string, eps: string, alphaBar: string): string {
  const s = g.node('Sqrt', [g.node('Sub', [g.scalar(1), alphaBar])]);
  return g.node('Add', [eps, g.node('Mul', [s, x])]);
}

/** The network with x₀-clipped output, for the training schedule's ᾱ table. */
export function buildTrainedUNet(
  model: TinyUNet,
  size: number,
  alphasCumprod: ArrayLike<number>,
): OnnxTypes.ModelProto {
  const u = new UNetGraph();
  const g = u.g;
  const { imageChannels, classes } = model.config;
  const x = g.input('sample', 'float32', ['batch', imageChannels, size, size]);
  const t = g.input('timestep', 'float32', [1]);
  const context =
    classes > 0 ? g.input('encoder_hidden_states', 'float32', ['batch', CONTEXT_TOKENS, classes]) : undefined;
  const emb = embedding(u, model, t, context);
  const skip0 = u.resBlock(u.conv(x, model.convIn), emb, model.down0);
  const skip1 = u.resBlock(u.conv(skip0, model.downsample0), emb, model.down1);
  let h = u.resBlock(u.conv(skip1, model.downsample1), emb, model.mid);
  h = u.attention(h, model.midAttention, model.config.channels[1]);
  h = u.resBlock(g.node('Concat', [u.upsample(h), skip1], { axis: 1 }), emb, model.up1);
  h = u.resBlock(g.node('Concat', [u.upsample(h), skip0], { axis: 1 }), emb, model.up0);
  const alphaBar = alphaCumprodAt(g, t, alphasCumprod);
  let eps = u.conv(u.silu(u.groupNorm(h, model.normOut)), model.convOut);
  if (model.config.noiseSkip) eps = withNoiseSkip(g, x, eps, alphaBar);
  g.output('out_sample', clippedEpsilon(g, x, eps, alphaBar), 'float32', [
    'batch',
    imageChannels,
    size,
    size,
  ]);
  return g.build({ docString: 'Diffgraph-trained pixel-space DDPM noise predictor (epsilon)' });
}
