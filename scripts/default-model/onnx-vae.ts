// ONNX graphs of the default model's fitted patch VAE (see vae-fit.ts), with SD's interfaces.
import { GraphBuilder } from '../../main/onnx/index.ts';
import type { OnnxTypes } from '../../main/onnx/proto.ts';
import { LATENT_CHANNELS, PATCH, type PatchVae } from './vae-fit.ts';

export function buildVaeEncoder(vae: PatchVae): OnnxTypes.ModelProto {
  const g = new GraphBuilder('diffgraph_shapes_vae_encoder');
  const x = g.input('sample', 'float32', ['batch', 3, 'pixel_height', 'pixel_width']);
  const w = g.f32('encoder_weight', vae.encoderWeight, [LATENT_CHANNELS, 3, PATCH, PATCH]);
  const b = g.f32('encoder_bias', vae.encoderBias, [LATENT_CHANNELS]);
  const z = g.node('Conv', [x, w, b], { kernel_shape: [PATCH, PATCH], strides: [PATCH, PATCH] });
  g.output('latent_sample', z, 'float32', ['batch', LATENT_CHANNELS, 'height', 'width']);
  return g.build({
    docString: 'diffgraph-shapes VAE encoder: top-4 principal components of each 8x8 RGB patch',
  });
}

export function buildVaeDecoder(vae: PatchVae): OnnxTypes.ModelProto {
  const g = new GraphBuilder('diffgraph_shapes_vae_decoder');
  const z = g.input('latent_sample', 'float32', ['batch', LATENT_CHANNELS, 'height', 'width']);
  // A constant-1 channel beside the latents carries the mean patch (zeros beyond the image edge).
  const firstChannel = g.node('Slice', [z, g.i64([0]), g.i64([1]), g.i64([1])]);
  const ones = g.node('Expand', [g.scalar(1), g.node('Shape', [firstChannel])]);
  const withOnes = g.node('Concat', [z, ones], { axis: 1 });
  const k = 3 * PATCH;
  const w = g.f32('decoder_weight', vae.decoderWeight, [LATENT_CHANNELS + 1, 3, k, k]);
  const pixels = g.node('ConvTranspose', [withOnes, w], {
    kernel_shape: [k, k],
    strides: [PATCH, PATCH],
    pads: [PATCH, PATCH, PATCH, PATCH],
  });
  g.output('sample', pixels, 'float32', ['batch', 3, 'pixel_height', 'pixel_width']);
  return g.build({
    docString: 'diffgraph-shapes VAE decoder: least-squares inverse over 3x3 latent neighbourhoods',
  });
}
