// SDXL's vector conditioning `y`, as sgm's conditioner assembles it for `label_emb`: the pooled OpenCLIP-G
// text embedding followed by a 256-channel Fourier embedding of each size/crop/aesthetic id
// (ConcatTimestepEmbedderND(outdim=256)). label_emb.0.0's input width = pooled + 256 × ids; how it splits is
// read from the file's own OpenCLIP-G text_projection when present, else known from the released models.
import type { TensorSource } from './tensor-source.ts';

/** Fourier channels per id (sgm's configs: `outdim: 256` for every ConcatTimestepEmbedderND). */
export const SDXL_ID_CHANNELS = 256;

export interface VectorConditioning {
  /** label_emb.0.0 input width (2816 base, 2560 refiner). */
  admInChannels: number;
  /** Width of `text_embeds`, the pooled text embedding (1280 in the released models). */
  pooledDim: number;
  /** Entries of `time_ids`: 6 for the base (sizes and crop), 5 for the refiner (… and aesthetic score). */
  timeIds: number;
}

/** OpenCLIP-G's projection: `embedders.1` in a base checkpoint, `embedders.0` in a refiner. */
const PROJECTIONS = [
  'conditioner.embedders.1.model.text_projection',
  'conditioner.embedders.0.model.text_projection',
];

/** The released models' widths, for U-Net-only files: base 1280 + 6·256, refiner 1280 + 5·256. */
const KNOWN: Record<number, { pooledDim: number; timeIds: number }> = {
  2816: { pooledDim: 1280, timeIds: 6 },
  2560: { pooledDim: 1280, timeIds: 5 },
};

type Header = Pick<TensorSource, 'name' | 'has' | 'info'>;

function split(src: Header, admInChannels: number, pooledDim: number, from: string): VectorConditioning {
  const timeIds = (admInChannels - pooledDim) / SDXL_ID_CHANNELS;
  if (!Number.isInteger(timeIds) || timeIds < 1) {
    throw new Error(
      `${src.name}: label_emb takes ${admInChannels} inputs, which is not the pooled width ${pooledDim} (${from}) plus a whole number of ${SDXL_ID_CHANNELS}-channel ids`,
    );
  }
  return { admInChannels, pooledDim, timeIds };
}

/** How `admInChannels` splits into text_embeds and time_ids; `timeIds` overrides what the file says. */
export function readVectorConditioning(
  src: Header,
  admInChannels: number,
  timeIds?: number,
): VectorConditioning {
  if (timeIds !== undefined) {
    return split(src, admInChannels, admInChannels - timeIds * SDXL_ID_CHANNELS, `from ${timeIds} ids`);
  }
  const projection = PROJECTIONS.find((key) => src.has(key));
  if (projection) {
    const shape = src.info(projection).shape;
    if (shape.length !== 2)
      throw new Error(`${src.name}: "${projection}" has shape [${shape}], expected rank 2`);
    return split(src, admInChannels, shape[1], `"${projection}"`);
  }
  const known = KNOWN[admInChannels];
  if (known) return { admInChannels, ...known };
  throw new Error(
    `${src.name}: label_emb takes ${admInChannels} inputs and the file has no OpenCLIP-G text_projection to tell the pooled width from the size ids (SDXL: 2816 base, 2560 refiner)`,
  );
}
