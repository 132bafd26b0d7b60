// The LDM U-Net (sgm `UNetModel.forward`) as an ONNX graph, from a checkpoint's own tensors, with
// optimum's input and output names: sample [B, C, H, W], timestep [B] or [1] (float32, fractional
// timesteps work), encoder_hidden_states [B, L, context] → out_sample [B, C_out, H, W]; SDXL U-Nets
// (label_emb) also text_embeds [B, pooled] and time_ids [B, ids] (unet-vector.ts). Inputs and
// output are float32 in every build; a float16 build stores and computes in float16 inside.
import { GraphBuilder, type WeightSink } from '../../onnx/graph-builder.ts';
import type { OnnxTypes } from '../../onnx/proto.ts';
import type { TensorSource } from '../tensor-source.ts';
import { attentionHeads, type UnetStructure } from '../unet-structure.ts';
import { type BuildDtype, NetOps } from './net-ops.ts';
import {
  downsample,
  resBlock,
  spatialTransformer,
  timestepEmbedding,
  type UnetBlockContext,
  upsample,
} from './unet-blocks.ts';
import { vectorEmbedding } from './unet-vector.ts';

export interface BuildUnetOptions {
  dtype: BuildDtype;
  /** Attention in float32 in a float16 build; default: for SD 2.x (64-wide heads, no label_emb), as fp16 overflows there. */
  attentionFloat32?: boolean;
  /**
   * 'fused' (default): com.microsoft.MultiHeadAttention, for CPU and CUDA. 'unfused': MatMul/Softmax,
   * for WebGPU (ORT 1.30's WebGPU MultiHeadAttention is wrong from sequence length 32: see net-ops.ts).
   */
  attention?: 'fused' | 'unfused';
}

async function timeEmbed(ops: NetOps, s: UnetStructure): Promise<string> {
  const g = ops.g;
  const t = g.input('timestep', 'float32', ['timestep_batch']);
  const features = ops.fromFloat32(timestepEmbedding(ops, t, s.modelChannels));
  const h = ops.silu(await ops.linear(features, 'time_embed.0', s.modelChannels, s.timeEmbedDim));
  return ops.linear(h, 'time_embed.2', s.timeEmbedDim, s.timeEmbedDim);
}

/** input_blocks: conv_in, then per level res blocks (+ transformer) and a downsample; returns h and the skips. */
/** A skip connection: an input block's output and its channel count. */
interface Skip {
  value: string;
  channels: number;
}

async function inputBlocks(
  b: UnetBlockContext,
  s: UnetStructure,
  x: string,
): Promise<{ h: string; skips: Skip[] }> {
  const { ops } = b;
  let h = await ops.conv(x, 'input_blocks.0.0', s.inChannels, s.modelChannels, 3);
  const skips: Skip[] = [{ value: h, channels: s.modelChannels }];
  let ch = s.modelChannels;
  let index = 1;
  for (const [level, spec] of s.levels.entries()) {
    for (let r = 0; r < spec.numResBlocks; r++, index++) {
      h = await resBlock(b, h, `input_blocks.${index}.0`, ch, spec.channels);
      ch = spec.channels;
      if (spec.transformerDepth > 0) {
        const heads = attentionHeads(s.heads, ch);
        h = await spatialTransformer(b, h, `input_blocks.${index}.1`, ch, spec.transformerDepth, heads);
      }
      skips.push({ value: h, channels: ch });
    }
    if (level < s.levels.length - 1) {
      h = await downsample(ops, h, `input_blocks.${index++}.0`, ch, s.convResample);
      skips.push({ value: h, channels: ch });
    }
  }
  return { h, skips };
}

/** output_blocks: per level (deepest first) num_res_blocks + 1 × [concat skip, res block, transformer?], upsample. */
async function outputBlocks(
  b: UnetBlockContext,
  s: UnetStructure,
  h: string,
  skips: Skip[],
  ch: number,
): Promise<string> {
  const g = b.ops.g;
  let index = 0;
  for (let level = s.levels.length - 1; level >= 0; level--) {
    const spec = s.levels[level];
    for (let r = 0; r <= spec.numResBlocks; r++, index++) {
      const skip = skips.pop() as Skip;
      const joined = g.node('Concat', [h, skip.value], { axis: 1 });
      h = await resBlock(b, joined, `output_blocks.${index}.0`, ch + skip.channels, spec.channels);
      ch = spec.channels;
      let sub = 1;
      if (spec.transformerDepth > 0) {
        const heads = attentionHeads(s.heads, ch);
        h = await spatialTransformer(
          b,
          h,
          `output_blocks.${index}.${sub++}`,
          ch,
          spec.transformerDepth,
          heads,
        );
      }
      if (level > 0 && r === spec.numResBlocks)
        h = await upsample(b.ops, h, `output_blocks.${index}.${sub}`, ch, s.convResample);
    }
  }
  return h;
}

/** Build the U-Net; with `sink`, weights stream out as they are made (see onnx/external-weights.ts). */
export async function buildUnet(
  src: TensorSource,
  s: UnetStructure,
  options: BuildUnetOptions,
  sink?: WeightSink,
): Promise<OnnxTypes.ModelProto> {
  if (s.admInChannels !== undefined && !s.vector) {
    throw new Error(`${src.name}: this U-Net has label_emb but its vector conditioning layout was not read`);
  }
  const g = new GraphBuilder('unet', sink);
  const ops = new NetOps(g, src, s.prefix, options.dtype);
  const sample = g.input('sample', 'float32', ['batch', s.inChannels, 'height', 'width']);
  let emb = await timeEmbed(ops, s);
  const context = g.input('encoder_hidden_states', 'float32', ['batch', 'sequence', s.contextDim]);
  if (s.vector) emb = g.node('Add', [emb, await vectorEmbedding(ops, s.vector, s.timeEmbedDim)]);
  const b: UnetBlockContext = {
    ops,
    embSilu: ops.silu(emb),
    timeEmbedDim: s.timeEmbedDim,
    context: ops.fromFloat32(context),
    contextDim: s.contextDim,
    linearProjection: s.linearProjection,
    attention: {
      fused: (options.attention ?? 'fused') === 'fused',
      // SD 2.x's fp16 attention overflows; SDXL's (same head width) runs in fp16 as diffusers runs it.
      float32: options.attentionFloat32 ?? ('headChannels' in s.heads && !s.vector),
    },
  };
  const down = await inputBlocks(b, s, ops.fromFloat32(sample));
  const last = s.levels[s.levels.length - 1].channels;
  let h = await resBlock(b, down.h, 'middle_block.0', last, last);
  if (s.middleTransformerDepth > 0) {
    h = await spatialTransformer(
      b,
      h,
      'middle_block.1',
      last,
      s.middleTransformerDepth,
      attentionHeads(s.heads, last),
    );
  }
  h = await resBlock(b, h, 'middle_block.2', last, last);
  h = await outputBlocks(b, s, h, down.skips, last);
  h = ops.silu(await ops.groupNorm(h, 'out.0', s.modelChannels, 1e-5));
  h = await ops.conv(h, 'out.2', s.modelChannels, s.outChannels, 3);
  g.output('out_sample', ops.toFloat32(h), 'float32', ['batch', s.outChannels, 'height', 'width']);
  return g.build({ docString: `LDM U-Net from ${src.name} (${options.dtype})` });
}
