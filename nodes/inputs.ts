// Checks of wired values at the start of a node's run: each returns the value typed, or throws
// NodeInputError naming the input and what was expected (a wire from the wrong kind of node, or a
// value a plug-in node produced badly).
import { NodeInputError } from './api.ts';
import type { Denoiser, ImageBatch, Latent, VaeModel } from './types.ts';

export function asLatent(value: unknown, input = 'latent'): Latent {
  const latent = value as Latent | undefined;
  if (!latent || !(latent.data instanceof Float32Array) || latent.shape?.length !== 4) {
    throw new NodeInputError(input, 'expected a LATENT [batch, channels, height, width]');
  }
  return latent;
}

export function asImage(value: unknown, input = 'image'): ImageBatch {
  const image = value as ImageBatch | undefined;
  if (!image?.data || image.shape?.length !== 4 || image.shape[3] !== 3) {
    throw new NodeInputError(input, 'expected an IMAGE batch [batch, height, width, 3]');
  }
  return image;
}

export function asDenoiser(value: unknown, input = 'model'): Denoiser {
  const model = value as Denoiser | undefined;
  if (model?.kind !== 'denoiser') throw new NodeInputError(input, 'expected a MODEL (denoiser)');
  return model;
}

export function asVae(value: unknown, input = 'vae'): VaeModel {
  const vae = value as VaeModel | undefined;
  if (vae?.kind !== 'vae') throw new NodeInputError(input, 'expected a VAE (from Load Pipeline or Load VAE)');
  return vae;
}
