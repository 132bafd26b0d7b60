// VAE nodes: latents <-> images, applying the VAE's latent scaling factor.
import { defineNode, type NodeDefinition, NodeInputError } from './api.ts';
import { centreCropToMultiple } from './image-crop.ts';
import { asImage, asLatent, asVae } from './inputs.ts';
import type { Latent } from './types.ts';

/** latent × factor (encode) or latent / factor (decode), as diffusers writes them. */
function scaled(tensor: Latent, factor: number, divide = false): Latent {
  const data = new Float32Array(tensor.data.length);
  for (let i = 0; i < data.length; i++) data[i] = divide ? tensor.data[i] / factor : tensor.data[i] * factor;
  return { data, shape: [...tensor.shape] };
}

export const vaeNodes: NodeDefinition[] = [
  defineNode({
    type: 'VAEDecode',
    displayName: 'VAE Decode',
    category: 'latent',
    description: 'Decode latents to images (divides by the VAE scaling factor first)',
    inputs: [
      { name: 'vae', type: 'VAE' },
      { name: 'latent', type: 'LATENT' },
    ],
    widgets: [],
    outputs: [{ name: 'image', type: 'IMAGE' }],
    run: async (ctx, inputs) => {
      const vae = asVae(inputs.vae);
      if (!vae.decode) throw new NodeInputError('vae', `${vae.name} has no decoder`);
      const latent = asLatent(inputs.latent);
      if (latent.shape.length !== 4 || latent.shape[1] !== vae.latentChannels) {
        throw new NodeInputError(
          'latent',
          `latent shape [${latent.shape}] does not fit the VAE (expected [batch, ${vae.latentChannels}, h, w])`,
        );
      }
      return { image: await vae.decode(scaled(latent, vae.scalingFactor, true), ctx.signal) };
    },
  }),
  defineNode({
    type: 'VAEEncode',
    displayName: 'VAE Encode',
    category: 'latent',
    description: 'Encode images to latents (image-to-image); sizes are centre-cropped to a multiple of 8',
    inputs: [
      { name: 'vae', type: 'VAE' },
      { name: 'image', type: 'IMAGE' },
    ],
    widgets: [],
    outputs: [{ name: 'latent', type: 'LATENT' }],
    run: async (ctx, inputs) => {
      const vae = asVae(inputs.vae);
      if (!vae.encode) {
        throw new NodeInputError(
          'vae',
          `${vae.name} has no encoder (a pipeline needs vae_encoder/model.onnx; Load VAE needs encoder_file)`,
        );
      }
      const image = asImage(inputs.image);
      if (image.shape[1] < vae.downscale || image.shape[2] < vae.downscale) {
        throw new NodeInputError(
          'image',
          `image ${image.shape[2]}x${image.shape[1]} is smaller than ${vae.downscale} pixels`,
        );
      }
      const cropped = centreCropToMultiple(image, vae.downscale);
      if (cropped !== image) {
        ctx.warn(
          `image ${image.shape[2]}x${image.shape[1]} cropped to ${cropped.shape[2]}x${cropped.shape[1]} (a multiple of ${vae.downscale})`,
        );
      }
      return { latent: scaled(await vae.encode(cropped, ctx.signal), vae.scalingFactor) };
    },
  }),
];
