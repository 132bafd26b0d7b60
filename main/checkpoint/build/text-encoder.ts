// The CLIP text encoder of an SD 1.x/2.x checkpoint as an ONNX model with optimum's names:
// input_ids int32 [batch, 77] -> last_hidden_state (final LayerNorm of the last layer), pooler_output
// (that state at argmax(ids), the EOS token), hidden_states.0 … hidden_states.N (the embeddings, then each
// layer's output without the final norm), text_embeds (OpenCLIP: pooled @ text_projection) and
// clip_skip.K (the final norm applied to the output K-1 layers before the last: clip skip K as A1111 and
// ComfyUI define it). Computes what transformers' CLIPTextModel (SD 1.x) and open_clip's TextTransformer
// (SD 2.x) compute: pre-norm blocks x + attn(ln1(x)), x + mlp(ln2(x)), causal softmax(q kᵀ/√d) v.
// Weights are stored in the build dtype and computed in float32, so SD 2.x attention never runs in
// float16 (where it overflows).
import { GraphBuilder, type WeightSink } from '../../onnx/graph-builder.ts';
import type { OnnxTypes } from '../../onnx/proto.ts';
import type { ClipTextStructure } from '../clip-structure.ts';
import type { TensorSource } from '../tensor-source.ts';
import { clipBlockWeights } from './clip-block-weights.ts';
import { type BuildDtype, CheckpointWeights } from './weights.ts';

export interface TextEncoderOptions {
  dtype: BuildDtype;
  /** Build only the first `layers` blocks (diffusers' SD 2.x text encoder drops the last one). */
  layers?: number;
  /** Clip skips (≥ 2) to expose as `clip_skip.K` outputs; default [2]. */
  clipSkips?: readonly number[];
}

/** HF's causal mask: 0 on and below the diagonal, float32's lowest value above it. */
function causalMask(tokens: number): Float32Array {
  const mask = new Float32Array(tokens * tokens);
  for (let i = 0; i < tokens; i++)
    for (let j = i + 1; j < tokens; j++) mask[i * tokens + j] = -3.4028234663852886e38;
  return mask;
}

/** softmax(q kᵀ/√d + mask) v over `heads` heads of x's projections (all [B, T, W]). */
function selfAttention(
  g: GraphBuilder,
  q: string,
  k: string,
  v: string,
  s: ClipTextStructure,
  mask: string,
): string {
  const headWidth = s.width / s.heads;
  const split = g.i64([0, 0, s.heads, headWidth]);
  const heads = (x: string, perm: number[]) => g.node('Transpose', [g.node('Reshape', [x, split])], { perm });
  const scores = g.node('MatMul', [heads(q, [0, 2, 1, 3]), heads(k, [0, 2, 3, 1])]);
  const scaled = g.node('Add', [g.node('Mul', [scores, g.scalar(1 / Math.sqrt(headWidth))]), mask]);
  const mixed = g.node('MatMul', [g.node('Softmax', [scaled], { axis: -1 }), heads(v, [0, 2, 1, 3])]);
  return g.node('Reshape', [g.node('Transpose', [mixed], { perm: [0, 2, 1, 3] }), g.i64([0, 0, s.width])]);
}

function activation(g: GraphBuilder, x: string, kind: ClipTextStructure['activation']): string {
  if (kind === 'quick_gelu') {
    // quick_gelu(x) = x·σ(1.702 x) (OpenAI CLIP).
    return g.node('Mul', [x, g.node('Sigmoid', [g.node('Mul', [x, g.scalar(1.702)])])]);
  }
  // Exact GELU: x·½(1 + erf(x/√2)) (Hendrycks & Gimpel 2016); opset 17 has no Gelu op.
  const erf = g.node('Erf', [g.node('Mul', [x, g.scalar(Math.SQRT1_2)])]);
  return g.node('Mul', [g.node('Mul', [x, g.scalar(0.5)]), g.node('Add', [erf, g.scalar(1)])]);
}

async function block(w: CheckpointWeights, x: string, s: ClipTextStructure, i: number, mask: string) {
  const g = w.g;
  const b = clipBlockWeights(s, i);
  const h = await w.layerNorm(x, b.norm1, s.width);
  const [q, k, v] = await b.qkv(w, h);
  const attn = await w.linear(selfAttention(g, q, k, v, s, mask), b.out, s.width, s.width);
  const mid = g.node('Add', [x, attn]);
  const up = await w.linear(await w.layerNorm(mid, b.norm2, s.width), b.fc1, s.width, s.mlpWidth);
  return g.node('Add', [mid, await w.linear(activation(g, up, s.activation), b.fc2, s.mlpWidth, s.width)]);
}

async function embeddings(w: CheckpointWeights, ids: string, s: ClipTextStructure): Promise<string> {
  const hf = s.layout === 'hf';
  const tokenKey = `${s.prefix}${hf ? 'embeddings.token_embedding.weight' : 'token_embedding.weight'}`;
  const positionKey = `${s.prefix}${hf ? 'embeddings.position_embedding.weight' : 'positional_embedding'}`;
  const tokens = w.g.node('Gather', [await w.tensor(tokenKey, [s.vocab, s.width]), ids], { axis: 0 });
  return w.g.node('Add', [tokens, await w.tensor(positionKey, [s.contextLength, s.width])]);
}

/** The row of `state` [B, T, W] at argmax(ids) per batch row (first maximum, as torch.argmax). */
function poolAtEos(g: GraphBuilder, state: string, ids: string, width: number): string {
  // Ids are compared as float32 (exact below 2^24) so ArgMax runs on every provider.
  const eos = g.node('ArgMax', [g.node('Cast', [ids], { to: 1 })], { axis: 1, keepdims: 1 });
  const index = g.node('Expand', [g.node('Unsqueeze', [eos, g.i64([2])]), g.i64([1, 1, width])]);
  return g.node('Squeeze', [g.node('GatherElements', [state, index], { axis: 1 }), g.i64([1])]);
}

function checkOptions(s: ClipTextStructure, layers: number, skips: readonly number[], source: string): void {
  if (!Number.isInteger(layers) || layers < 1 || layers > s.layers) {
    throw new Error(`${source}: text encoder layers must be 1..${s.layers}, got ${layers}`);
  }
  for (const k of skips) {
    if (!Number.isInteger(k) || k < 2 || k > layers) {
      throw new Error(
        `${source}: clip skip must be an integer 2..${layers} (1 is last_hidden_state), got ${k}`,
      );
    }
  }
}

export async function buildTextEncoder(
  src: TensorSource,
  s: ClipTextStructure,
  options: TextEncoderOptions,
  sink?: WeightSink,
): Promise<OnnxTypes.ModelProto> {
  const layers = options.layers ?? s.layers;
  const skips = options.clipSkips ?? (layers >= 2 ? [2] : []);
  checkOptions(s, layers, skips, src.name);
  const g = new GraphBuilder('text_encoder', sink);
  const w = new CheckpointWeights(g, src, options.dtype);
  const T = s.contextLength;
  const ids = g.input('input_ids', 'int32', ['batch', T]);
  const mask = w.store('causal_mask', causalMask(T), [T, T], 'float32');
  const states = [await embeddings(w, ids, s)];
  for (let i = 0; i < layers; i++) states.push(await block(w, states[i], s, i, mask));

  const finalNorm = `${s.prefix}${s.layout === 'hf' ? 'final_layer_norm' : 'ln_final'}`;
  const last = await w.layerNorm(states[layers], finalNorm, s.width);
  const pooled = poolAtEos(g, last, ids, s.width);
  g.output('last_hidden_state', last, 'float32', ['batch', T, s.width]);
  g.output('pooler_output', pooled, 'float32', ['batch', s.width]);
  if (s.layout === 'openclip' && s.projectionDim !== null) {
    const projection = await w.tensor(`${s.prefix}text_projection`, [s.width, s.projectionDim]);
    g.output('text_embeds', g.node('MatMul', [pooled, projection]), 'float32', ['batch', s.projectionDim]);
  }
  for (const [i, state] of states.entries())
    g.output(`hidden_states.${i}`, state, 'float32', ['batch', T, s.width]);
  for (const k of skips) {
    const normed = await w.layerNorm(states[layers + 1 - k], finalNorm, s.width);
    g.output(`clip_skip.${k}`, normed, 'float32', ['batch', T, s.width]);
  }
  return g.build({ docString: `Diffgraph: ${s.layout} CLIP text encoder from ${src.name}` });
}

/**
 * The conditioning for clip skip `skip` from a run's outputs: 1 = last_hidden_state, K ≥ 2 = the final
 * layer norm on the output K-1 layers before the last (`clip_skip.K`), as A1111 and ComfyUI compute it.
 * SD 2.x's own default is clip skip 2 (sgm's FrozenOpenCLIPEmbedder "penultimate": layer N-1, then
 * ln_final); a converted SD 2.x text encoder drops the last layer instead, so its last_hidden_state
 * already is that state.
 */
export function clipSkipHiddenState<T>(outputs: Readonly<Record<string, T>>, skip: number): T {
  const name = skip === 1 ? 'last_hidden_state' : `clip_skip.${skip}`;
  const value = outputs[name];
  if (value === undefined) {
    const known = Object.keys(outputs).filter((k) => k === 'last_hidden_state' || k.startsWith('clip_skip.'));
    throw new Error(
      `clip skip ${skip}: the text encoder has no "${name}" output (it has ${known.join(', ')})`,
    );
  }
  return value;
}
