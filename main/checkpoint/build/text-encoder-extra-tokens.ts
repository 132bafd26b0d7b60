// Textual-inversion embeddings (Gal et al. 2022) need token vectors that are not rows of the
// checkpoint's token-embedding table. The optimum text encoder takes `input_ids` only, and that
// interface must stay, so Diffgraph writes a second graph beside it, `text_encoder/extra_tokens.onnx`,
// sharing the same external weights file (no second copy on disk): the same network with one more
// input, `extra_token_embeddings` float32 [n, width]. A negative id -k selects row k-1 of that input
// instead of a table row; positive ids are looked up as before, and position embeddings are still
// added inside. This is exactly A1111's and ComfyUI's substitution of the embedding's vectors at the
// token positions, with no copy of the 49408-row table per run (a Concat onto the table would copy it).
// Negative ids never win the EOS ArgMax, so pooling is unchanged.
import { type OnnxTypes, onnx } from '../../onnx/proto.ts';
import { EXTRA_TOKENS_FILE, EXTRA_TOKENS_INPUT } from '../../runtime/extra-tokens.ts';

export { EXTRA_TOKENS_FILE, EXTRA_TOKENS_INPUT };

function int32Scalar(name: string, value: number): OnnxTypes.ITensorProto {
  return onnx.TensorProto.create({
    name,
    dims: [],
    dataType: onnx.TensorProto.DataType.INT32,
    int32Data: [value],
  });
}

/** The id-level Gather into the token table (the only node that reads `input_ids` as indices). */
function tokenGather(graph: OnnxTypes.IGraphProto): number {
  const nodes = graph.node ?? [];
  const index = nodes.findIndex((n) => n.opType === 'Gather' && n.input?.[1] === 'input_ids');
  if (index < 0) throw new Error('text encoder graph has no Gather of input_ids into the token table');
  return index;
}

/**
 * A copy of a built text encoder whose token lookup also takes `extra_token_embeddings`: for each id,
 * Where(id < 0, extra[-id-1], table[max(id, 0)]). Initializers (external references) are shared.
 */
export function withExtraTokenInput(model: OnnxTypes.IModelProto, width: number): OnnxTypes.ModelProto {
  const copy = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
  const graph = copy.graph as OnnxTypes.GraphProto;
  const at = tokenGather(graph);
  const gather = graph.node[at] as OnnxTypes.NodeProto;
  const table = gather.input[0];
  const tokens = gather.output[0];
  const v = (name: string) => `extra_tokens/${name}`;
  graph.initializer.push(int32Scalar(v('zero'), 0), int32Scalar(v('minus_one'), -1));
  graph.input.push(
    onnx.ValueInfoProto.create({
      name: EXTRA_TOKENS_INPUT,
      type: {
        tensorType: {
          elemType: onnx.TensorProto.DataType.FLOAT,
          shape: { dim: [{ dimParam: 'extra_tokens' }, { dimValue: width }] },
        },
      },
    }),
  );
  const node = (opType: string, input: string[], output: string, attrs: OnnxTypes.IAttributeProto[] = []) =>
    onnx.NodeProto.create({ opType, input, output: [output], name: output, attribute: attrs });
  const axis0 = [
    onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }),
  ];
  const lookup = [
    node('Max', ['input_ids', v('zero')], v('table_ids')),
    node('Gather', [table, v('table_ids')], v('table_rows'), axis0),
    // -id-1 = (-1) - id: row k-1 for id -k.
    node('Sub', [v('minus_one'), 'input_ids'], v('extra_index')),
    node('Max', [v('extra_index'), v('zero')], v('extra_ids')),
    node('Gather', [EXTRA_TOKENS_INPUT, v('extra_ids')], v('extra_rows'), axis0),
    node('Less', ['input_ids', v('zero')], v('is_extra')),
    node('Unsqueeze', [v('is_extra'), v('last_axis')], v('is_extra_row')),
    node('Where', [v('is_extra_row'), v('extra_rows'), v('table_rows')], tokens),
  ];
  graph.initializer.push(
    onnx.TensorProto.create({
      name: v('last_axis'),
      dims: [1],
      dataType: onnx.TensorProto.DataType.INT64,
      int64Data: [-1],
    }),
  );
  graph.node.splice(at, 1, ...lookup);
  copy.docString = `${copy.docString ?? ''} (with ${EXTRA_TOKENS_INPUT}: negative ids select its rows)`;
  return copy;
}
