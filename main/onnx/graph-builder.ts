// A small builder for ONNX graphs (opset 17): typed inputs/outputs, rawData initializers, nodes with
// auto-named outputs. `build()` gives a ModelProto; save.ts writes it (optionally with external data).

import { type OnnxTypes, onnx } from './proto.ts';
import { type ElemType, makeTensor, ONNX_DATA_TYPE, type TensorValues } from './tensor.ts';

export const OPSET = 17;
/** IR version 8 is what onnx 1.12 writes for opset 17; every ORT since 1.12 reads it. */
export const IR_VERSION = 8;

/** A dimension: a fixed size or a symbolic name such as 'batch'. */
export type Dim = number | string;

/**
 * Attribute values: integers become INT, other numbers FLOAT, number arrays INTS; use `{ f }` or
 * `{ floats }` to force floats, `{ tensor }` for a tensor attribute.
 */
export type AttrValue =
  | number
  | string
  | number[]
  | { f: number }
  | { floats: number[] }
  | { tensor: OnnxTypes.ITensorProto };

function makeAttribute(name: string, value: AttrValue): OnnxTypes.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value };
  }
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) {
    if (!value.every(Number.isInteger)) throw new Error(`Attribute ${name}: use { floats } for float lists`);
    return { name, type: T.INTS, ints: value };
  }
  if ('f' in value) return { name, type: T.FLOAT, f: value.f };
  if ('floats' in value) return { name, type: T.FLOATS, floats: value.floats };
  return { name, type: T.TENSOR, t: value.tensor };
}

function valueInfo(name: string, type: ElemType, shape: readonly Dim[]): OnnxTypes.IValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: ONNX_DATA_TYPE[type], shape: { dim } } } };
}

/**
 * Receives each initializer as it is made and returns what the model keeps in its place (e.g. the
 * same tensor with its bytes moved to an external-data file: see external-weights.ts).
 */
/**
 * Where initializers go (e.g. an external-data file). `origin` names the checkpoint tensors an
 * initializer was computed from, so a LoRA re-merge can tell which ones a LoRA touches.
 */
export type WeightSink = (
  tensor: OnnxTypes.ITensorProto,
  origin?: readonly string[],
) => OnnxTypes.ITensorProto;

export class GraphBuilder {
  private readonly nodes: OnnxTypes.INodeProto[] = [];
  private readonly initializers: OnnxTypes.ITensorProto[] = [];
  private readonly inputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly outputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  /** Operator domains other than the default one (e.g. com.microsoft), imported at version 1. */
  private readonly domains = new Set<string>();
  private counter = 0;

  constructor(
    readonly name: string,
    private readonly weightSink?: WeightSink,
  ) {}

  /** A fresh value name with a readable prefix. */
  fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.counter++}`;
    while (this.used.has(name));
    this.used.add(name);
    return name;
  }

  private claim(name: string): string {
    if (this.used.has(name)) throw new Error(`ONNX value name ${name} used twice in graph ${this.name}`);
    this.used.add(name);
    return name;
  }

  input(name: string, type: ElemType, shape: readonly Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), type, shape));
    return name;
  }

  /** Expose `value` as graph output `name` (through an Identity node so any value can be named). */
  output(name: string, value: string, type: ElemType, shape: readonly Dim[]): void {
    this.nodes.push({
      opType: 'Identity',
      input: [value],
      output: [this.claim(name)],
      name: `output_${name}`,
    });
    this.outputs.push(valueInfo(name, type, shape));
  }

  /** A constant tensor stored as an initializer; returns its value name. */
  initializer(
    prefix: string,
    values: TensorValues,
    dims: readonly number[],
    type: ElemType = 'float32',
    origin?: readonly string[],
  ): string {
    const name = this.fresh(prefix);
    const tensor = makeTensor(name, values, dims, type);
    this.initializers.push(this.weightSink ? this.weightSink(tensor, origin) : tensor);
    return name;
  }

  /** Shorthands for small constants. */
  f32(prefix: string, values: ArrayLike<number>, dims: readonly number[] = [values.length]): string {
    return this.initializer(prefix, values, dims, 'float32');
  }
  scalar(value: number, type: ElemType = 'float32'): string {
    return this.initializer('c', [value], [], type);
  }
  i64(values: readonly number[]): string {
    return this.initializer('shape', values, [values.length], 'int64');
  }

  /** Add a node with one output; returns the output's name. */
  node(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}): string {
    return this.nodeN(opType, inputs, 1, attrs)[0];
  }

  /**
   * Add a node with `count` outputs. An empty input name means an omitted optional input; a qualified
   * op type ('com.microsoft.MultiHeadAttention') names a contrib domain, imported at version 1.
   */
  nodeN(
    opType: string,
    inputs: readonly string[],
    count: number,
    attrs: Record<string, AttrValue> = {},
  ): string[] {
    // A qualified name such as 'com.microsoft.MultiHeadAttention' selects that operator domain.
    const dot = opType.lastIndexOf('.');
    const domain = dot < 0 ? '' : opType.slice(0, dot);
    const op = opType.slice(dot + 1);
    if (domain) this.domains.add(domain);
    const output = Array.from({ length: count }, () => this.fresh(op.toLowerCase()));
    const attribute = Object.entries(attrs).map(([k, v]) => makeAttribute(k, v));
    // The default domain is left unset (as ONNX's own helpers write it), so existing models stay byte-identical.
    this.nodes.push({
      opType: op,
      ...(domain ? { domain } : {}),
      input: [...inputs],
      output,
      attribute,
      name: output[0],
    });
    return output;
  }

  build(options: { producer?: string; docString?: string } = {}): OnnxTypes.ModelProto {
    if (this.outputs.length === 0) throw new Error(`ONNX graph ${this.name} has no outputs`);
    return onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: options.producer ?? 'diffgraph',
      producerVersion: '0.1.0',
      docString: options.docString ?? '',
      opsetImport: [
        { domain: '', version: OPSET },
        ...[...this.domains].map((domain) => ({ domain, version: 1 })),
      ],
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
  }
}
