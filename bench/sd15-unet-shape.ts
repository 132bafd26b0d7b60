// The full-size SD 1.5 U-Net shape the checkpoint benches generate random weights for.
import type { TinyUnetConfig } from '../test/fixtures/checkpoints/tiny-unet.ts';

/** sgm's SD 1.x inference config (reference_models.SD1_UNET). */
export const SD15_UNET: TinyUnetConfig = {
  inChannels: 4,
  outChannels: 4,
  modelChannels: 320,
  channelMult: [1, 2, 4, 4],
  numResBlocks: 2,
  depths: [1, 1, 1, 0],
  middleDepth: 1,
  contextDim: 768,
  linearProjection: false,
  heads: { numHeads: 8 },
};
