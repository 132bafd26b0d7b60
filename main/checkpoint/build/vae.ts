// SD's VAE (LDM AutoencoderKL) as two ONNX models with optimum's names, always float32 (the VAE
// overflows in float16):
//   decoder: latent_sample [B, 4, h, w] -> sample [B, 3, 8h, 8w]        (post_quant_conv, Decoder)
//   encoder: sample [B, 3, H, W] -> latent_parameters [B, 8, H/8, W/8]  (Encoder, quant_conv: mean and
//            log-variance of the diagonal Gaussian) and latent_sample = the mean (first 4 channels).
import { GraphBuilder, type WeightSink } from '../../onnx/graph-builder.ts';
import type { OnnxTypes } from '../../onnx/proto.ts';
import type { TensorSource } from '../tensor-source.ts';
import type { VaeHalf, VaeStructure } from '../vae-structure.ts';
import { attnBlock, conv, downsample, groupNorm, resnetBlock, swish, upsample } from './vae-blocks.ts';
import { CheckpointWeights } from './weights.ts';

async function mid(w: CheckpointWeights, x: string, base: string, channels: number): Promise<string> {
  let h = (await resnetBlock(w, x, `${base}mid.block_1`, channels)).y;
  h = await attnBlock(w, h, `${base}mid.attn_1`, channels);
  return (await resnetBlock(w, h, `${base}mid.block_2`, channels)).y;
}

/** Residual blocks of one level, each followed by its attention block when the level has them. */
async function level(
  w: CheckpointWeights,
  x: string,
  prefix: string,
  blocks: number,
  attn: number,
  inCh: number,
) {
  let h = x;
  let channels = inCh;
  for (let j = 0; j < blocks; j++) {
    ({ y: h, channels } = await resnetBlock(w, h, `${prefix}block.${j}`, channels));
    if (attn > 0) h = await attnBlock(w, h, `${prefix}attn.${j}`, channels);
  }
  return { h, channels };
}

async function end(w: CheckpointWeights, x: string, base: string, channels: number) {
  return conv(w, swish(w, await groupNorm(w, x, `${base}norm_out`, channels)), `${base}conv_out`, channels);
}

async function decoderBody(w: CheckpointWeights, z: string, s: VaeStructure): Promise<string> {
  const base = `${s.prefix}decoder.`;
  const half: VaeHalf = s.decoder;
  const [post, postChannels] = await conv(w, z, `${s.prefix}post_quant_conv`, s.latentChannels);
  let [h, channels] = await conv(w, post, `${base}conv_in`, postChannels);
  h = await mid(w, h, base, channels);
  for (let i = half.levels.length - 1; i >= 0; i--) {
    const { blocks, attentions } = half.levels[i];
    ({ h, channels } = await level(w, h, `${base}up.${i}.`, blocks, attentions, channels));
    if (i !== 0) h = await upsample(w, h, `${base}up.${i}.upsample`, channels);
  }
  return (await end(w, h, base, channels))[0];
}

async function encoderBody(w: CheckpointWeights, x: string, s: VaeStructure, half: VaeHalf) {
  const base = `${s.prefix}encoder.`;
  let [h, channels] = await conv(w, x, `${base}conv_in`, s.imageChannels);
  for (const [i, { blocks, attentions }] of half.levels.entries()) {
    ({ h, channels } = await level(w, h, `${base}down.${i}.`, blocks, attentions, channels));
    if (i !== half.levels.length - 1) h = await downsample(w, h, `${base}down.${i}.downsample`, channels);
  }
  h = await mid(w, h, base, channels);
  const [moments, momentChannels] = await end(w, h, base, channels);
  return conv(w, moments, `${s.prefix}quant_conv`, momentChannels);
}

/** Pixel size / latent size: 2^(levels - 1) (8 for SD). */
export function vaeScaleFactor(s: VaeStructure): number {
  return 2 ** (s.decoder.levels.length - 1);
}

/** With `sink`, weights stream out as they are made (see onnx/external-weights.ts). */
export async function buildVaeDecoder(
  src: TensorSource,
  s: VaeStructure,
  sink?: WeightSink,
): Promise<OnnxTypes.ModelProto> {
  const g = new GraphBuilder('vae_decoder', sink);
  const w = new CheckpointWeights(g, src, 'float32');
  const z = g.input('latent_sample', 'float32', ['batch', s.latentChannels, 'latent_height', 'latent_width']);
  const image = await decoderBody(w, z, s);
  g.output('sample', image, 'float32', ['batch', s.imageChannels, 'height', 'width']);
  return g.build({ docString: `Diffgraph: LDM VAE decoder from ${src.name}` });
}

export async function buildVaeEncoder(
  src: TensorSource,
  s: VaeStructure,
  sink?: WeightSink,
): Promise<OnnxTypes.ModelProto> {
  if (!s.encoder) throw new Error(`${src.name}: the VAE has no encoder ("${s.prefix}encoder.*" keys)`);
  const g = new GraphBuilder('vae_encoder', sink);
  const w = new CheckpointWeights(g, src, 'float32');
  const x = g.input('sample', 'float32', ['batch', s.imageChannels, 'height', 'width']);
  const [params, paramChannels] = await encoderBody(w, x, s, s.encoder);
  if (paramChannels !== 2 * s.latentChannels) {
    throw new Error(
      `${src.name}: "${s.prefix}quant_conv" gives ${paramChannels} channels, expected mean and log-variance (${2 * s.latentChannels})`,
    );
  }
  const mean = g.node('Slice', [params, g.i64([0]), g.i64([s.latentChannels]), g.i64([1])]);
  const latentShape = ['batch', s.latentChannels, 'latent_height', 'latent_width'];
  g.output('latent_parameters', params, 'float32', ['batch', paramChannels, 'latent_height', 'latent_width']);
  g.output('latent_sample', mean, 'float32', latentShape);
  return g.build({ docString: `Diffgraph: LDM VAE encoder from ${src.name}` });
}
