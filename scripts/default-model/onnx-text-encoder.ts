// The default model's text encoder: CLIP token ids -> which image attribute each token names.
// input_ids int32 [B,77] -> Gather(row of each token id) -> Gather(attribute embedding rows [k,768])
// -> last_hidden_state [B,77,768]. A word of vocabulary.ts embeds as the one-hot of its attribute;
// every other token (BOS, EOS, padding, "a", "photo") embeds as zeros. pooler_output is the max over tokens.
import { GraphBuilder } from '../../main/onnx/index.ts';
import type { OnnxTypes } from '../../main/onnx/proto.ts';
import { ATTRIBUTES, WORDS, wordTokenIds } from './vocabulary.ts';

export const HIDDEN_SIZE = 768;
export const VOCAB_SIZE = 49408;
const TOKENS = 77;

export function buildTextEncoder(vocab: Readonly<Record<string, number>>): OnnxTypes.ModelProto {
  const ids = wordTokenIds(vocab);
  // Row 0 is the zero embedding; row 1 + a is attribute a.
  const rowOfToken = new Int32Array(VOCAB_SIZE);
  for (const [word, id] of ids) rowOfToken[id] = 1 + ATTRIBUTES.indexOf(WORDS[word]);
  const rows = 1 + ATTRIBUTES.length;
  const embedding = new Float32Array(rows * HIDDEN_SIZE);
  ATTRIBUTES.forEach((_, a) => {
    embedding[(1 + a) * HIDDEN_SIZE + a] = 1;
  });

  const g = new GraphBuilder('diffgraph_shapes_text_encoder');
  const input = g.input('input_ids', 'int32', ['batch', TOKENS]);
  const row = g.node('Gather', [g.initializer('token_row', rowOfToken, [VOCAB_SIZE], 'int32'), input], {
    axis: 0,
  });
  const hidden = g.node('Gather', [g.f32('attribute_embedding', embedding, [rows, HIDDEN_SIZE]), row], {
    axis: 0,
  });
  g.output('last_hidden_state', hidden, 'float32', ['batch', TOKENS, HIDDEN_SIZE]);
  g.output('pooler_output', g.node('ReduceMax', [hidden], { axes: [1], keepdims: 0 }), 'float32', [
    'batch',
    HIDDEN_SIZE,
  ]);
  return g.build({
    docString: `diffgraph-shapes text encoder: words -> attributes (${ATTRIBUTES.join(', ')})`,
  });
}
