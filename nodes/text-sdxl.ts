// SDXL text conditioning: CLIP-L's and OpenCLIP-bigG's penultimate states side by side ([1, 77, 2048] for
// the real base, bigG's alone for the refiner), bigG's pooled projection and the size conditioning the
// U-Net turns into `time_ids` (nodes/math/conditioning.ts). Prompt weights follow A1111 (emphasis.ts),
// applied to each encoder's states separately as A1111 does for SDXL. An empty prompt is encoded like
// any other (ComfyUI's behaviour; ConditioningZeroOut gives zeros instead). Long prompts, BREAK and
// `embedding:name` as ComfyUI handles them for SDXL (text/sdxl-chunks.ts).
import { defineNode, type NodeContext, type NodeDefinition, NodeInputError } from './api.ts';
import { type ChunkRow, concatSequence } from './text/chunks.ts';
import { applyEmphasis } from './text/emphasis.ts';
import { padWithEmptyChunks, sdxlPromptChunks } from './text/sdxl-chunks.ts';
import type { Conditioning, SdxlTextEncoders, SizeConditioning, Tensor, TextEncoderModel } from './types.ts';

/** Every size from the latent, no crop (what ComfyUI's CLIPTextEncode gives an SDXL model). */
export const DEFAULT_SIZE_CONDITIONING: SizeConditioning = {
  originalWidth: 0,
  originalHeight: 0,
  cropTop: 0,
  cropLeft: 0,
  targetWidth: 0,
  targetHeight: 0,
};

/** [1, T, wL] ‖ [1, T, wG] on the width axis (L first, as sgm concatenates its "crossattn" outputs). */
function concatWidth(parts: readonly Tensor[]): Tensor {
  if (parts.length === 1) return parts[0];
  const [, tokens] = parts[0].shape;
  const widths = parts.map((p) => p.shape[2]);
  const total = widths.reduce((a, b) => a + b, 0);
  const data = new Float32Array(tokens * total);
  for (let t = 0; t < tokens; t++) {
    let at = t * total;
    for (const [i, part] of parts.entries()) {
      data.set(part.data.subarray(t * widths[i], (t + 1) * widths[i]), at);
      at += widths[i];
    }
  }
  return { data, shape: [1, tokens, total] };
}

/** One prompt's SDXL conditioning from the encoders' outputs. */
export function sdxlConditioning(
  out: { l?: Tensor; g: Tensor; pooled: Tensor },
  size: SizeConditioning,
): Conditioning {
  const states = concatWidth(out.l ? [out.l, out.g] : [out.g]);
  return { ...states, pooled: out.pooled, sizes: [{ ...size }] };
}

interface SdxlPrompt {
  textL: string;
  textG: string;
  clipSkip: number;
  size: SizeConditioning;
}

type EncodedChunk = { l?: Tensor; g: Tensor; pooled: Tensor };

/** Both encoders' chunk i, each with A1111's emphasis applied to its own states. */
async function encodeChunk(
  ctx: NodeContext,
  encoders: SdxlTextEncoders,
  chunk: { l?: ChunkRow; g: ChunkRow },
  clipSkip: number,
  vectors: { l?: Float32Array; g?: Float32Array },
): Promise<EncodedChunk> {
  const out = await encoders
    .encodeRows({ l: chunk.l?.ids, g: chunk.g.ids }, clipSkip, ctx.signal, vectors)
    .catch((error: Error) => {
      throw new NodeInputError(/clip skip/.test(error.message) ? 'clip_skip' : 'clip', error.message);
    });
  if (out.l && chunk.l) applyEmphasis(out.l.data, chunk.l.weights, out.l.shape[2]);
  applyEmphasis(out.g.data, chunk.g.weights, out.g.shape[2]);
  return out;
}

/**
 * The full SDXL conditioning of a prompt pair (the refiner reads text_g only). Long prompts and BREAK
 * make several chunks (sdxl-chunks.ts), each encoded by both encoders; the states are joined along
 * the sequence ([1, 77·k, wL + wG]) and the pooled embedding is the first chunk's, as in ComfyUI.
 */
export async function encodeSdxl(
  ctx: NodeContext,
  encoders: SdxlTextEncoders,
  prompt: SdxlPrompt,
  fields: { l: string; g: string },
): Promise<Conditioning> {
  const l = encoders.l
    ? await sdxlPromptChunks(ctx, prompt.textL, encoders.l, { field: fields.l, slot: 'clip_l' })
    : undefined;
  const g = await sdxlPromptChunks(ctx, prompt.textG, encoders.g, { field: fields.g, slot: 'clip_g' });
  const count = Math.max(l?.rows.length ?? 0, g.rows.length);
  const rowsL = l && encoders.l ? padWithEmptyChunks(l.rows, count, encoders.l) : undefined;
  const rowsG = padWithEmptyChunks(g.rows, count, encoders.g);
  const vectors = { l: l?.vectors, g: g.vectors };
  // A clip_skip widget of 1 means SDXL's own conditioning here (the penultimate layer); only Set Clip
  // Skip reaches the last layer, as ComfyUI's CLIPSetLastLayer -1 does.
  const clipSkip = prompt.clipSkip === 1 ? 2 : prompt.clipSkip;
  const chunks: EncodedChunk[] = [];
  for (let i = 0; i < count; i++) {
    chunks.push(await encodeChunk(ctx, encoders, { l: rowsL?.[i], g: rowsG[i] }, clipSkip, vectors));
  }
  const statesL = chunks.flatMap((c) => (c.l ? [c.l] : []));
  return sdxlConditioning(
    {
      l: statesL.length > 0 ? concatSequence(statesL) : undefined,
      g: concatSequence(chunks.map((c) => c.g)),
      pooled: chunks[0].pooled,
    },
    prompt.size,
  );
}

function sdxlClip(value: unknown): TextEncoderModel & { sdxl: SdxlTextEncoders } {
  const clip = value as TextEncoderModel | undefined;
  if (clip?.kind !== 'clip' || !clip.sdxl) {
    throw new NodeInputError(
      'clip',
      'expected the CLIP of an SDXL checkpoint or pipeline (two text encoders with a pooled projection)',
    );
  }
  return clip as TextEncoderModel & { sdxl: SdxlTextEncoders };
}

const size = (name: string, description: string) =>
  ({ name, kind: 'int', default: 0, min: 0, max: 16384, step: 8, description }) as const;

export const sdxlTextNodes: NodeDefinition[] = [
  defineNode({
    type: 'TextEncodeSDXL',
    displayName: 'Text Encode (SDXL)',
    category: 'conditioning',
    description:
      "SDXL conditioning with separate prompts for CLIP-L (text_l) and OpenCLIP-bigG (text_g) and the size conditioning SDXL was trained with. Sizes of 0 take the latent's size in pixels. The refiner reads text_g and aesthetic_score only. Prompts past 75 tokens and BREAK make 77-token chunks, as in ComfyUI; embedding:name takes an SDXL embedding (clip_l and clip_g vectors)",
    inputs: [{ name: 'clip', type: 'CLIP' }],
    widgets: [
      {
        name: 'text_g',
        kind: 'string',
        default: '',
        multiline: true,
        description: 'Prompt for OpenCLIP-bigG',
      },
      { name: 'text_l', kind: 'string', default: '', multiline: true, description: 'Prompt for CLIP-L' },
      size('width', 'Original image width (0 = from the latent)'),
      size('height', 'Original image height (0 = from the latent)'),
      { name: 'crop_w', kind: 'int', default: 0, min: 0, max: 16384, description: 'Crop left, pixels' },
      { name: 'crop_h', kind: 'int', default: 0, min: 0, max: 16384, description: 'Crop top, pixels' },
      size('target_width', 'Target width (0 = from the latent)'),
      size('target_height', 'Target height (0 = from the latent)'),
      {
        name: 'aesthetic_score',
        kind: 'float',
        default: 0,
        min: 0,
        max: 1000,
        step: 0.01,
        description: 'Refiner only; 0 = 6 on the positive side, 2.5 on the negative (as ComfyUI)',
      },
      {
        name: 'clip_skip',
        kind: 'int',
        default: 2,
        min: 1,
        max: 48,
        description:
          "1 and 2 = SDXL's own conditioning (the penultimate layer, no final norm); K = the output K-1 layers before the last. A Set Clip Skip before this node sets the layer as ComfyUI's CLIPSetLastLayer does (1 = the last layer, no final norm)",
      },
    ],
    outputs: [{ name: 'conditioning', type: 'CONDITIONING' }],
    run: async (ctx, inputs) => {
      const clip = sdxlClip(inputs.clip);
      const num = (name: string) => Number(inputs[name] ?? 0);
      const aesthetic = num('aesthetic_score');
      const conditioning = await encodeSdxl(
        ctx,
        clip.sdxl,
        {
          textL: String(inputs.text_l ?? ''),
          textG: String(inputs.text_g ?? ''),
          clipSkip: Number(inputs.clip_skip ?? 2),
          size: {
            originalWidth: num('width'),
            originalHeight: num('height'),
            cropLeft: num('crop_w'),
            cropTop: num('crop_h'),
            targetWidth: num('target_width'),
            targetHeight: num('target_height'),
            aestheticScore: aesthetic > 0 ? aesthetic : undefined,
          },
        },
        { l: 'text_l', g: 'text_g' },
      );
      return { conditioning };
    },
  }),
];
