// Small conditioning and CLIP tools ComfyUI workflows use: zeroed conditioning (ConditioningZeroOut)
// and a CLIP that encodes at a chosen clip skip (CLIPSetLastLayer).
import { defineNode, type NodeDefinition, NodeInputError } from './api.ts';
import type { Conditioning, SdxlTextEncoders, TextEncoderModel } from './types.ts';

const isTensor = (value: unknown): value is { data: Float32Array; shape: number[] } =>
  !!value && typeof value === 'object' && (value as { data?: unknown }).data instanceof Float32Array;

/** Every tensor of the conditioning (the hidden states, and any pooled output beside them) as zeros. */
export function zeroConditioning(conditioning: Conditioning): Conditioning {
  if (!isTensor(conditioning)) throw new NodeInputError('conditioning', 'expected a CONDITIONING tensor');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(conditioning)) {
    if (value instanceof Float32Array) out[key] = new Float32Array(value.length);
    else if (isTensor(value)) out[key] = { ...value, data: new Float32Array(value.data.length) };
    else out[key] = value;
  }
  return out as unknown as Conditioning;
}

/** The encoder each clip-skip wrapper was made from, so a second wrapper replaces the first. */
const unwrapped = new WeakMap<TextEncoderModel, TextEncoderModel>();

/**
 * A CLIP whose encodings stop at clip skip `skip` (1 = last layer); a TextEncode's own clip_skip other
 * than 1 still takes precedence. Plain `encode` goes through the id-level API at that skip.
 */
export function withClipSkip(clip: TextEncoderModel, skip: number): TextEncoderModel {
  const base = unwrapped.get(clip) ?? clip;
  // On SDXL 1 is not the default (SDXL's conditioning is the penultimate layer): it picks the last.
  if (base.sdxl) return withSdxlClipSkip(base, base.sdxl, skip);
  if (skip === 1) return base;
  const { encodeIds } = base;
  if (!encodeIds)
    throw new NodeInputError(
      'clip',
      `${base.name} cannot encode at clip skip ${skip} (a bare ONNX text encoder has only its last layer)`,
    );
  const wrapped: TextEncoderModel = {
    ...base,
    name: `${base.name} (clip skip ${skip})`,
    tokenize: (text) => base.tokenize(text),
    tokenIds: base.tokenIds ? (text) => base.tokenIds?.call(base, text) ?? [] : undefined,
    encode: (texts, signal) =>
      encodeIds.call(
        base,
        texts.map((text) => base.tokenize(text).ids),
        skip,
        signal,
      ),
    encodeIds: (rows, clipSkip, signal) =>
      encodeIds.call(base, rows, clipSkip === 1 ? skip : clipSkip, signal),
  };
  unwrapped.set(wrapped, base);
  return wrapped;
}

/**
 * SDXL's text nodes ask for 2 (SDXL's own conditioning, the penultimate layer) when their clip_skip is 1
 * or 2, so those take the skip set here, with ComfyUI's meaning on SDXL (1 = the last layer without the
 * final norm, as CLIPSetLastLayer -1); a deeper one of the node's own wins.
 */
function withSdxlClipSkip(base: TextEncoderModel, sdxl: SdxlTextEncoders, skip: number): TextEncoderModel {
  const wrapped: TextEncoderModel = {
    ...base,
    name: `${base.name} (clip skip ${skip})`,
    sdxl: {
      ...sdxl,
      encodeRows: (rows, clipSkip, signal, vectors) =>
        sdxl.encodeRows(rows, clipSkip <= 2 ? skip : clipSkip, signal, vectors),
    },
  };
  unwrapped.set(wrapped, base);
  return wrapped;
}

export const conditioningToolNodes: NodeDefinition[] = [
  defineNode({
    type: 'ZeroConditioning',
    displayName: 'Zero Conditioning',
    category: 'conditioning',
    description:
      'The same conditioning with every value zero (ComfyUI’s ConditioningZeroOut), pooled output included',
    inputs: [{ name: 'conditioning', type: 'CONDITIONING' }],
    widgets: [],
    outputs: [{ name: 'conditioning', type: 'CONDITIONING' }],
    run: async (_ctx, inputs) => ({ conditioning: zeroConditioning(inputs.conditioning as Conditioning) }),
  }),
  defineNode({
    type: 'SetClipSkip',
    displayName: 'Set Clip Skip',
    category: 'conditioning',
    description:
      'Makes Text Encode nodes fed by this CLIP stop early: 1 = the last layer, 2 = the penultimate (ComfyUI’s CLIPSetLastLayer −2, A1111’s clip skip 2). A Text Encode’s own clip_skip other than 1 wins. On SDXL both encoders stop there without the final norm, as in ComfyUI: 2 is SDXL’s own conditioning, 1 the last layer',
    inputs: [{ name: 'clip', type: 'CLIP' }],
    widgets: [{ name: 'clip_skip', kind: 'int', default: 1, min: 1, max: 24 }],
    outputs: [{ name: 'clip', type: 'CLIP' }],
    run: async (_ctx, inputs) => {
      const clip = inputs.clip as TextEncoderModel;
      if (clip?.kind !== 'clip') throw new NodeInputError('clip', 'expected a CLIP text encoder');
      const skip = inputs.clip_skip as number;
      if (!Number.isInteger(skip) || skip < 1)
        throw new NodeInputError('clip_skip', `expected a whole number ≥ 1, got ${skip}`);
      return { clip: withClipSkip(clip, skip) };
    },
  }),
];
