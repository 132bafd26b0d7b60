// The default model's U-Net: the exact ε-predictor of a finite latent set {X0_i} under prior weights π_i.
//   logits_i = (2√ᾱ x·X0_i − ᾱ‖X0_i‖²) / (2(1−ᾱ)) + log π_i    (the ‖x‖² term is constant in i)
//   w = softmax(logits), E[x0|x_t] = w·X0, ε = (x − √ᾱ E) / √(1−ᾱ)
//   log π_i = λ·(a·M_i) + ᾱ_T‖X0_i‖² / (2(1−ᾱ_T))
// a = max over tokens of the text states (the attributes the prompt names), M_i = image i's attributes.
// The second prior term offsets SD's non-zero terminal SNR: samplers start from N(0, I) rather than the
// true p_T, which would otherwise make far-from-mean images (large shapes) e^-(that term) times rarer.
// With it, an empty prompt reaches every image of the set about equally often.
import { alphaCumprodAt, GraphBuilder, scaledLinearAlphasCumprod } from '../../main/onnx/index.ts';
import type { OnnxTypes } from '../../main/onnx/proto.ts';
import { HIDDEN_SIZE } from './onnx-text-encoder.ts';

export interface ExactDenoiserSpec {
  /** Scaled latents of the set, [count, dim] row-major. */
  latents: Float32Array;
  count: number;
  /** Latent shape [channels, height, width]. */
  latentShape: readonly [number, number, number];
  /** Attribute indicators, [count, attributes]. */
  attributes: Float32Array;
  attributeCount: number;
  /** Weight of the prompt's attribute matches in the logits. */
  lambda: number;
}

function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
  return t;
}

/** [B, count] prompt term λ·(a·M_i) from encoder_hidden_states [B, 77, 768]. */
function promptLogits(g: GraphBuilder, context: string, spec: ExactDenoiserSpec): string {
  const named = g.node('ReduceMax', [context], { axes: [1], keepdims: 0 });
  const attrs = g.node('Slice', [named, g.i64([0]), g.i64([spec.attributeCount]), g.i64([1])]);
  const mT = g.f32('image_attributes_t', transpose(spec.attributes, spec.count, spec.attributeCount), [
    spec.attributeCount,
    spec.count,
  ]);
  return g.node('Mul', [g.node('MatMul', [attrs, mT]), g.scalar(spec.lambda)]);
}

/** ᾱ_T‖X0_i‖² / (2(1−ᾱ_T)) at the last training timestep T. */
export function terminalOffset(norms: Float32Array): Float32Array {
  const table = scaledLinearAlphasCumprod();
  const last = table[table.length - 1];
  return norms.map((n) => (last * n) / (2 * (1 - last)));
}

export function buildExactDenoiser(spec: ExactDenoiserSpec): OnnxTypes.ModelProto {
  const [c, h, w] = spec.latentShape;
  const dim = c * h * w;
  const g = new GraphBuilder('diffgraph_shapes_exact_denoiser');
  const sample = g.input('sample', 'float32', ['batch', c, h, w]);
  const t = g.input('timestep', 'float32', ['batch']);
  const context = g.input('encoder_hidden_states', 'float32', ['batch', 77, HIDDEN_SIZE]);

  const x = g.node('Reshape', [sample, g.i64([-1, dim])]);
  const abar = g.node('Reshape', [alphaCumprodAt(g, t, scaledLinearAlphasCumprod()), g.i64([-1, 1])]);
  const rootAbar = g.node('Sqrt', [abar]);
  const oneMinus = g.node('Sub', [g.scalar(1), abar]);
  const x0 = g.f32('set_latents', spec.latents, [spec.count, dim]);
  const x0T = g.f32('set_latents_t', transpose(spec.latents, spec.count, dim), [dim, spec.count]);
  const norms = new Float32Array(spec.count);
  for (let i = 0; i < spec.count; i++)
    for (let j = 0; j < dim; j++) norms[i] += spec.latents[i * dim + j] ** 2;

  const dot2 = g.node('Mul', [g.node('MatMul', [x, x0T]), g.node('Mul', [rootAbar, g.scalar(2)])]);
  const fit = g.node('Sub', [dot2, g.node('Mul', [abar, g.f32('set_norms', norms, [1, spec.count])])]);
  const dataLogits = g.node('Div', [fit, g.node('Mul', [oneMinus, g.scalar(2)])]);
  const prior = g.node('Add', [
    promptLogits(g, context, spec),
    g.f32('terminal_snr_offset', terminalOffset(norms), [1, spec.count]),
  ]);
  const logits = g.node('Add', [dataLogits, prior]);
  const expected = g.node('MatMul', [g.node('Softmax', [logits], { axis: 1 }), x0]);
  const eps = g.node('Div', [
    g.node('Sub', [x, g.node('Mul', [rootAbar, expected])]),
    g.node('Sqrt', [oneMinus]),
  ]);
  g.output('out_sample', g.node('Reshape', [eps, g.node('Shape', [sample])]), 'float32', ['batch', c, h, w]);
  return g.build({
    docString: `diffgraph-shapes U-Net: exact denoiser of ${spec.count} images, lambda=${spec.lambda}`,
  });
}
