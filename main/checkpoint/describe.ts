// A supported checkpoint, fully described from its header: the family (detect.ts) plus the
// structure of each part as the weights define it (U-Net: unet-structure.ts, text encoder:
// clip-structure.ts, VAE: vae-structure.ts). What the builders and `convert` start from.
import { type ClipTextStructure, readClipStructure } from './clip-structure.ts';
import { type Detection, requireCheckpoint } from './detect.ts';
import type { TensorSource } from './tensor-source.ts';
import { readUnetStructure, type UnetStructure } from './unet-structure.ts';
import { readVaeStructure, type VaeStructure } from './vae-structure.ts';

export interface CheckpointDescription {
  detection: Detection & { family: 'sd1' | 'sd2' };
  unet: UnetStructure;
  /** Absent when the file carries no text encoder (a U-Net-only export). */
  text: ClipTextStructure | null;
  /** Absent when the file carries no VAE (then a separate VAE file is needed). */
  vae: VaeStructure | null;
}

/** Detect and read every part's structure; throws naming the file for refusals and mismatches. */
export function describeCheckpoint(src: TensorSource): CheckpointDescription {
  const detection = requireCheckpoint(src);
  const unet = readUnetStructure(src);
  const text = detection.parts?.textEncoder
    ? readClipStructure(src, { layout: detection.family === 'sd1' ? 'hf' : 'openclip' })
    : null;
  const vae = detection.parts?.vae ? readVaeStructure(src, { prefix: 'first_stage_model.' }) : null;
  if (text && text.width !== unet.contextDim) {
    throw new Error(
      `${src.name}: the text encoder is ${text.width} wide but the U-Net's cross-attention expects ${unet.contextDim}: the parts do not belong together`,
    );
  }
  return { detection, unet, text, vae };
}
