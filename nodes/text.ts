// Text conditioning: CLIP tokenizer + text encoder -> CONDITIONING [1, 77·k, D], with clip skip, the
// A1111/ComfyUI prompt-weight syntax, BREAK, long prompts and embeddings (nodes/text/encode-chunks.ts).
import { defineNode, type NodeContext, type NodeDefinition, NodeInputError } from './api.ts';
import { isPlain } from './text/emphasis.ts';
import { encodeChunks } from './text/encode-chunks.ts';
import { parsePromptWeights } from './text/prompt-weights.ts';
import { DEFAULT_SIZE_CONDITIONING, encodeSdxl } from './text-sdxl.ts';
import type { TextEncoderModel } from './types.ts';

function warnCut(ctx: NodeContext, clip: TextEncoderModel): void {
  const room = clip.maxLength - 2;
  ctx.warn(
    `prompt is longer than ${room} tokens (${clip.maxLength} with start/end tokens); the end was cut off`,
  );
}

export const textNodes: NodeDefinition[] = [
  defineNode({
    type: 'TextEncode',
    displayName: 'Text Encode',
    category: 'conditioning',
    description:
      'Encode a prompt with the CLIP text encoder. Longer prompts are split into chunks of 75 tokens (77 with start/end) encoded separately and joined; BREAK starts a new chunk. Weights as in A1111: (word:1.2), (word) = ×1.1, [word] = ÷1.1, \\( \\) for literal brackets; embedding:name inserts a textual inversion from the embeddings folder',
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
        name: 'comma_backtrack',
        kind: 'int',
        default: 0,
        min: 0,
        max: 74,
        description:
          "Long prompts (SD 1.x/2.x): when a 75-token chunk fills up and a comma lies within this many tokens back, the chunk ends after the comma and the words after it start the next chunk, as A1111 does (its setting's default is 20). 0 = cut at 75 tokens, as ComfyUI does",
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
      // Plain prompt: the text as written, minus the escapes the weight syntax defines.
      const plain = segments.map((s) => (s.kind === 'text' ? s.text : '')).join('');
      const long = isPlain(segments) && clip.tokenize(plain).truncated;
      if (clipSkip !== 1 || !isPlain(segments) || (long && clip.encodeIds)) {
        const commaBacktrack = Number(inputs.comma_backtrack ?? 0);
        return { conditioning: await encodeChunks(ctx, clip, segments, clipSkip, commaBacktrack) };
      }
      if (long) warnCut(ctx, clip);
      return { conditioning: await clip.encode([plain], ctx.signal) };
    },
  }),
];
