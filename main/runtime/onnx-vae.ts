// VAE from ONNX decoder/encoder sessions. Takes and gives unscaled latents (nodes apply the
// scaling factor) and IMAGE-layout pixels (0..1, channels last).
import type { ImageBatch, Latent, VaeModel } from '../../nodes/types.ts';
import { firstChannels, imageToVaePixels, vaePixelsToImage } from './image-tensor.ts';
import type { SessionHandle } from './session-pool.ts';
import { sizeMismatch, type VaeSignature, vaeSignature } from './slot-signatures.ts';
import { floatTensor, readFloats } from './tensor-io.ts';

interface Part {
  handle: SessionHandle;
  signature: VaeSignature;
}

export interface VaeOptions {
  name: string;
  scalingFactor: number;
  latentChannels?: number;
  downscale?: number;
}

async function loadPart(
  handle: SessionHandle | undefined,
  slot: 'vae_decoder' | 'vae_encoder',
): Promise<Part | undefined> {
  if (!handle) return undefined;
  // A handle opened lazily (the encoder) is described by its header; its session loads on first use.
  const io = handle.declared ?? (await handle.get()).io;
  return { handle, signature: vaeSignature(io, handle.request.path, slot) };
}

/** Run `run` over `batch` items in groups of the model's fixed batch size (or all at once). */
async function inChunks(
  part: Part,
  batch: number,
  run: (start: number, count: number) => Promise<Float32Array>,
): Promise<Float32Array[]> {
  const chunk = part.signature.batch === 'dynamic' ? batch : part.signature.batch;
  if (batch % chunk !== 0)
    throw new Error(`batch ${batch} is not a multiple of the VAE's fixed batch ${chunk}`);
  const parts: Float32Array[] = [];
  for (let start = 0; start < batch; start += chunk) parts.push(await run(start, chunk));
  return parts;
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export class OnnxVae implements VaeModel {
  readonly kind = 'vae' as const;
  readonly name: string;
  readonly scalingFactor: number;
  readonly latentChannels: number;
  readonly downscale: number;
  readonly decode?: (latents: Latent, signal?: AbortSignal) => Promise<ImageBatch>;
  readonly encode?: (images: ImageBatch, signal?: AbortSignal) => Promise<Latent>;

  private constructor(options: VaeOptions, decoder?: Part, encoder?: Part) {
    this.name = options.name;
    this.scalingFactor = options.scalingFactor;
    this.latentChannels =
      options.latentChannels ?? decoder?.signature.latentChannels ?? encoder?.signature.latentChannels ?? 4;
    this.downscale = options.downscale ?? 8;
    if (decoder) this.decode = (latents, signal) => this.runDecoder(decoder, latents, signal);
    if (encoder) this.encode = (images, signal) => this.runEncoder(encoder, images, signal);
  }

  static async load(options: VaeOptions, decoder?: SessionHandle, encoder?: SessionHandle): Promise<OnnxVae> {
    return new OnnxVae(
      options,
      await loadPart(decoder, 'vae_decoder'),
      await loadPart(encoder, 'vae_encoder'),
    );
  }

  private async runDecoder(part: Part, latents: Latent, signal?: AbortSignal): Promise<ImageBatch> {
    const [batch, channels, height, width] = latents.shape;
    if (latents.shape.length !== 4 || channels !== this.latentChannels) {
      throw new Error(
        `${this.name}: latent shape [${latents.shape}] does not fit the VAE's ${this.latentChannels} channels`,
      );
    }
    const badSize = sizeMismatch(part.signature.size, height, width, 'latents');
    if (badSize) throw new Error(`${this.name}: ${badSize}`);
    const per = channels * height * width;
    let outShape: readonly number[] = [];
    const parts = await inChunks(part, batch, async (start, count) => {
      const data = count === batch ? latents.data : latents.data.slice(start * per, (start + count) * per);
      const feeds = {
        [part.signature.inputName]: floatTensor(
          data,
          [count, channels, height, width],
          part.signature.inputType,
        ),
      };
      const output = (await part.handle.run(feeds, signal))[part.signature.output];
      outShape = output.dims;
      return readFloats(output);
    });
    return vaePixelsToImage(concat(parts), [batch, ...outShape.slice(1)], signal);
  }

  private async runEncoder(part: Part, images: ImageBatch, signal?: AbortSignal): Promise<Latent> {
    const [batch, height, width] = images.shape;
    if (height % this.downscale !== 0 || width % this.downscale !== 0) {
      throw new Error(`${this.name}: image ${width}x${height} is not a multiple of ${this.downscale} pixels`);
    }
    const badSize = sizeMismatch(part.signature.size, height, width, 'images');
    if (badSize) throw new Error(`${this.name}: ${badSize}`);
    const pixels = await imageToVaePixels(images, signal);
    const per = 3 * height * width;
    let outShape: readonly number[] = [];
    const parts = await inChunks(part, batch, async (start, count) => {
      const data = count === batch ? pixels : pixels.slice(start * per, (start + count) * per);
      const feeds = {
        [part.signature.inputName]: floatTensor(data, [count, 3, height, width], part.signature.inputType),
      };
      const output = (await part.handle.run(feeds, signal))[part.signature.output];
      outShape = output.dims;
      const values = readFloats(output);
      // Mean and log-variance stacked on channels: keep the mean.
      return output.dims[1] === 2 * this.latentChannels
        ? firstChannels(values, output.dims, this.latentChannels)
        : values;
    });
    const shape = [batch, this.latentChannels, outShape[2], outShape[3]];
    const data = concat(parts);
    if (data.length !== shape.reduce((a, b) => a * b, 1)) {
      throw new Error(
        `${this.name}: encoder output [${outShape}] does not fit ${this.latentChannels} latent channels`,
      );
    }
    return { data, shape };
  }
}
