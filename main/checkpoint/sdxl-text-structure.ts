// SDXL's text encoders in an SGM single-file checkpoint, read from key names and shapes:
// - base: CLIP-L (transformers' layout) at `conditioner.embedders.0.transformer.text_model.` and
//   OpenCLIP-bigG (packed in_proj, text_projection) at `conditioner.embedders.1.model.`;
// - refiner: bigG alone, at `conditioner.embedders.0.model.`.
// SDXL conditions on each encoder's penultimate hidden state without the final norm, concatenated on
// the width axis (L then G), and on G's pooled projection (final norm at the EOS token @ text_projection).
import { type ClipTextStructure, readClipStructure } from './clip-structure.ts';
import type { TensorSource } from './tensor-source.ts';

export const SDXL_CLIP_L_PREFIX = 'conditioner.embedders.0.transformer.text_model.';
export const SDXL_CLIP_G_PREFIX = 'conditioner.embedders.1.model.';
export const SDXL_REFINER_CLIP_G_PREFIX = 'conditioner.embedders.0.model.';

export interface SdxlTextStructures {
  /** CLIP-L; absent in the refiner. */
  l?: ClipTextStructure;
  /** OpenCLIP-bigG, with its text_projection. */
  g: ClipTextStructure;
}

/** Both (base) or the one (refiner) SDXL text encoders; `headWidth` exists for tiny test models. */
export function readSdxlTextStructures(
  src: TensorSource,
  options: { headWidth?: number } = {},
): SdxlTextStructures {
  const refiner = src.has(`${SDXL_REFINER_CLIP_G_PREFIX}token_embedding.weight`);
  const gPrefix = refiner ? SDXL_REFINER_CLIP_G_PREFIX : SDXL_CLIP_G_PREFIX;
  const g = readClipStructure(src, { ...options, layout: 'openclip', prefix: gPrefix });
  if (g.projectionDim === null) {
    throw new Error(
      `${src.name}: SDXL's OpenCLIP text encoder has no "${gPrefix}text_projection" (needed for the pooled embedding)`,
    );
  }
  if (g.layers < 2) throw new Error(`${src.name}: SDXL's OpenCLIP text encoder needs at least 2 layers`);
  if (refiner) return { g };
  const l = readClipStructure(src, { ...options, layout: 'hf', prefix: SDXL_CLIP_L_PREFIX });
  if (l.contextLength !== g.contextLength) {
    throw new Error(
      `${src.name}: the SDXL text encoders take ${l.contextLength} and ${g.contextLength} tokens; expected the same`,
    );
  }
  return { l, g };
}
