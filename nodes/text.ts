// Text conditioning: CLIP tokenizer + text encoder -> CONDITIONING [1, 77, D].
import { defineNode, type NodeDefinition, NodeInputError } from './api.ts';
import type { TextEncoderModel } from './types.ts';

export const textNodes: NodeDefinition[] = [
  defineNode({
    type: 'TextEncode',
    displayName: 'Text Encode',
    category: 'conditioning',
    description: 'Encode a prompt with the CLIP text encoder (77 tokens; longer text is cut with a warning)',
    inputs: [{ name: 'clip', type: 'CLIP' }],
    widgets: [{ name: 'text', kind: 'string', default: '', multiline: true, description: 'The prompt' }],
    outputs: [{ name: 'conditioning', type: 'CONDITIONING' }],
    run: async (ctx, inputs) => {
      const clip = inputs.clip as TextEncoderModel;
      if (clip?.kind !== 'clip')
        throw new NodeInputError(
          'clip',
          'expected a CLIP text encoder (from Load Pipeline or Load Text Encoder)',
        );
      const text = String(inputs.text ?? '');
      if (clip.tokenize(text).truncated) {
        const room = clip.maxLength - 2;
        ctx.warn(
          `prompt is longer than ${room} tokens (${clip.maxLength} with start/end tokens); the end was cut off`,
        );
      }
      return { conditioning: await clip.encode([text], ctx.signal) };
    },
  }),
];
