// Text conditioning: CLIP tokenizer + text encoder -> CONDITIONING [1, 77, D], with clip skip and
// the A1111/ComfyUI prompt-weight syntax (nodes/text/prompt-weights.ts, applied as in emphasis.ts).
import { defineNode, type NodeContext, type NodeDefinition, NodeInputError } from './api.ts';
import { applyEmphasis, isPlain, weightedRow } from './text/emphasis.ts';
import { type PromptSegment, parsePromptWeights } from './text/prompt-weights.ts';
import { DEFAULT_SIZE_CONDITIONING, encodeSdxl } from './text-sdxl.ts';
import type { Conditioning, TextEncoderModel } from './types.ts';

function warnCut(ctx: NodeContext, clip: TextEncoderModel): void {
  const room = clip.maxLength - 2;
  ctx.warn(
    `prompt is longer than ${room} tokens (${clip.maxLength} with start/end tokens); the end was cut off`,
  );
}

/** Weighted and/or clip-skipped encoding, through the encoder's id-level API. */
async function encodeWeighted(
  ctx: NodeContext,
  clip: TextEncoderModel,
  segments: PromptSegment[],
  clipSkip: number,
): Promise<Conditioning> {
  const { tokenIds, encodeIds } = clip;
  if (!tokenIds || !encodeIds) {
    throw new NodeInputError(
      'clip',
      `${clip.name} takes only plain prompts at clip skip 1 (prompt weights and clip skip need a CLIP from Load Checkpoint or a converted pipeline)`,
    );
  }
  const embedding = segments.find((s) => s.kind === 'embedding');
  if (embedding?.kind === 'embedding') {
    throw new NodeInputError(
      'text',
      `embedding:${embedding.name}: textual-inversion embeddings are not supported yet (the text encoder takes token ids only)`,
    );
  }
  const row = weightedRow(segments, {
    maxLength: clip.maxLength,
    empty: clip.tokenize('').ids,
    tokenIds: (text) => tokenIds.call(clip, text),
  });
  if (row.truncated) warnCut(ctx, clip);
  const states = await encodeIds.call(clip, [row.ids], clipSkip, ctx.signal).catch((error: Error) => {
    throw new NodeInputError('clip_skip', error.message);
  });
  applyEmphasis(states.data, row.weights, states.shape[2]);
  return states;
}

export const textNodes: NodeDefinition[] = [
  defineNode({
    type: 'TextEncode',
    displayName: 'Text Encode',
    category: 'conditioning',
    description:
      'Encode a prompt with the CLIP text encoder (77 tokens; longer text is cut with a warning). Weights as in A1111: (word:1.2), (word) = ×1.1, [word] = ÷1.1, \\( \\) for literal brackets',
    inputs: [{ name: 'clip', type: 'CLIP' }],
    widgets: [
      { name: 'text', kind: 'string', default: '', multiline: true, description: 'The prompt' },
      {
        name: 'clip_skip',
        kind: 'int',
        default: 1,
        min: 1,
        max: 12,
        description:
          "1 = the last layer; 2 = the penultimate layer + final norm (A1111's clip skip 2, ComfyUI's CLIPSetLastLayer -2). SD 2.x pipelines already end at OpenCLIP's penultimate layer. SDXL: 1 and 2 = its own conditioning (penultimate layer, no final norm)",
      },
      {
        name: 'width',
        kind: 'int',
        default: 0,
        min: 0,
        max: 16384,
        step: 8,
        description: "SDXL size conditioning: original and target width (0 = the latent's width in pixels)",
      },
      {
        name: 'height',
        kind: 'int',
        default: 0,
        min: 0,
        max: 16384,
        step: 8,
        description: "SDXL size conditioning: original and target height (0 = the latent's height in pixels)",
      },
    ],
    outputs: [{ name: 'conditioning', type: 'CONDITIONING' }],
    run: async (ctx, inputs) => {
      const clip = inputs.clip as TextEncoderModel;
      if (clip?.kind !== 'clip')
        throw new NodeInputError(
          'clip',
          'expected a CLIP text encoder (from Load Pipeline or Load Text Encoder)',
        );
      const text = String(inputs.text ?? '');
      const clipSkip = Number(inputs.clip_skip ?? 1);
      if (clip.sdxl) {
        const [width, height] = [Number(inputs.width ?? 0), Number(inputs.height ?? 0)];
        const size = { ...DEFAULT_SIZE_CONDITIONING, originalWidth: width, originalHeight: height };
        const prompt = {
          textL: text,
          textG: text,
          clipSkip,
          size: { ...size, targetWidth: width, targetHeight: height },
        };
        return { conditioning: await encodeSdxl(ctx, clip.sdxl, prompt, { l: 'text', g: 'text' }) };
      }
      const segments = parsePromptWeights(text);
      if (clipSkip !== 1 || !isPlain(segments)) {
        return { conditioning: await encodeWeighted(ctx, clip, segments, clipSkip) };
      }
      // Plain prompt: the text as written, minus the escapes the weight syntax defines.
      const plain = segments.map((s) => (s.kind === 'text' ? s.text : '')).join('');
      if (clip.tokenize(plain).truncated) warnCut(ctx, clip);
      return { conditioning: await clip.encode([plain], ctx.signal) };
    },
  }),
];
