// SDXL U-Net inputs beyond the text states: `text_embeds` (the pooled bigG projection) and `time_ids`
// (size conditioning, resolved against the latent's size), one row per latent in the batch. Without
// conditioning (an unconditional call) both are zeros / the latent's own size, as an empty
// conditioning of ComfyUI's would give.
import type ort from 'onnxruntime-node';
import { pooledParts, sdxlTimeIds } from '../../nodes/math/conditioning.ts';
import type { Conditioning, SizeConditioning } from '../../nodes/types.ts';
import type { UnetSignature } from './slot-signatures.ts';
import { floatTensor } from './tensor-io.ts';

const LATENT_SIZE: SizeConditioning = {
  originalWidth: 0,
  originalHeight: 0,
  cropTop: 0,
  cropLeft: 0,
  targetWidth: 0,
  targetHeight: 0,
};

export function sdxlFeeds(
  model: string,
  spec: NonNullable<UnetSignature['sdxl']>,
  sampleShape: readonly number[],
  states: Conditioning | undefined,
): Record<string, ort.Tensor> {
  const [batch, , height, width] = sampleShape;
  let pooled: Float32Array;
  let sizes: readonly SizeConditioning[];
  const parts = states && pooledParts(states);
  if (parts) {
    const width = parts.pooled.shape[1];
    if (spec.pooled !== null && width !== spec.pooled) {
      throw new Error(
        `${model}: the pooled text embedding has ${width} values but the U-Net's text_embeds takes ${spec.pooled} (text encoder from another model?)`,
      );
    }
    pooled = parts.pooled.data;
    sizes = parts.sizes;
  } else if (states) {
    throw new Error(
      `${model}: this SDXL U-Net needs SDXL conditioning (pooled text embedding and size conditioning): encode the prompt with the CLIP of an SDXL checkpoint or pipeline`,
    );
  } else {
    if (spec.pooled === null) throw new Error(`${model}: the U-Net's text_embeds width is not fixed`);
    pooled = new Float32Array(batch * spec.pooled);
    sizes = Array.from({ length: batch }, () => LATENT_SIZE);
  }
  const ids = sdxlTimeIds(sizes, spec.ids, height, width);
  return {
    text_embeds: floatTensor(pooled, [batch, pooled.length / batch], spec.pooledType),
    time_ids: floatTensor(ids, [batch, spec.ids], spec.idsType),
  };
}
