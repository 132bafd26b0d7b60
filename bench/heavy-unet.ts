// A bench-only heavier U-Net for bench/txt2img.ts: the fixture pipeline's interface (sample
// [B,4,h,w], timestep int64 [1], encoder_hidden_states [B,77,32] → out_sample) with enough
// convolution work that a step costs what a small real model's step costs, so the overhead
// percentage is measured against a realistic session.run. Weights are seeded noise: the image is
// meaningless, the arithmetic is real.
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { GraphBuilder, Layers, SeededRandom, saveModel } from '../main/onnx/index.ts';
import type { OnnxTypes } from '../main/onnx/proto.ts';

const HIDDEN = 32; // the fixture text encoder's width
const TOKENS = 77;

export interface HeavyUnetSize {
  /** Feature channels of every block. */
  channels: number;
  /** Residual blocks (two 3×3 convolutions each) at latent resolution. */
  blocks: number;
}

function timeEmbedding(L: Layers, t: string, channels: number): string {
  const g = L.g;
  const half = 16;
  const freqs = Float32Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half));
  const tf = g.node('Mul', [
    g.node('Reshape', [g.node('Cast', [t], { to: 1 }), g.i64([-1, 1])]),
    g.f32('freqs', freqs, [1, half]),
  ]);
  const features = g.node('Concat', [g.node('Sin', [tf]), g.node('Cos', [tf])], { axis: 1 });
  const emb = L.linear(L.silu(L.linear(features, 2 * half, channels, 'time1')), channels, channels, 'time2');
  return g.node('Unsqueeze', [emb, g.i64([2, 3])]);
}

/** h + attention from every latent cell to the text states (keys and values from the text). */
function crossAttention(L: Layers, h: string, context: string, channels: number): string {
  const g = L.g;
  const cells = g.node('Transpose', [g.node('Reshape', [h, g.i64([0, channels, -1])])], { perm: [0, 2, 1] });
  const q = L.linear(cells, channels, channels, 'attn_q', false);
  const k = L.linear(context, HIDDEN, channels, 'attn_k', false);
  const v = L.linear(context, HIDDEN, channels, 'attn_v', false);
  const o = L.linear(L.attention(q, k, v, channels), channels, channels, 'attn_o');
  return g.node('Add', [
    h,
    g.node('Reshape', [g.node('Transpose', [o], { perm: [0, 2, 1] }), g.node('Shape', [h])]),
  ]);
}

export function buildHeavyUnet(size: HeavyUnetSize): OnnxTypes.ModelProto {
  const g = new GraphBuilder('bench_heavy_unet');
  const L = new Layers(g, new SeededRandom(7), 'float32');
  const C = size.channels;
  const sample = g.input('sample', 'float32', ['batch', 4, 'height', 'width']);
  const t = g.input('timestep', 'int64', [1]);
  const context = g.input('encoder_hidden_states', 'float32', ['batch', TOKENS, HIDDEN]);
  let h = g.node('Add', [L.conv(sample, 4, C, 3, 'conv_in'), timeEmbedding(L, t, C)]);
  for (let b = 0; b < size.blocks; b++) {
    const inner = L.conv(L.silu(L.conv(L.silu(h), C, C, 3, `block${b}_a`)), C, C, 3, `block${b}_b`, {
      gain: 0.3,
    });
    h = g.node('Add', [h, inner]);
    if (b === Math.floor(size.blocks / 2)) h = crossAttention(L, h, context, C);
  }
  const out = L.conv(L.silu(h), C, 4, 3, 'conv_out', { gain: 0.1 });
  g.output('out_sample', out, 'float32', ['batch', 4, 'height', 'width']);
  return g.build({ docString: 'Diffgraph bench: heavier U-Net with the fixture pipeline interface' });
}

/** Multiply-adds ×2 of the convolutions (the bulk of the work) for one U-Net call. */
export function heavyUnetGflop(size: HeavyUnetSize, batch: number, height: number, width: number): number {
  const C = size.channels;
  const perCell = 9 * (4 * C + 2 * size.blocks * C * C + C * 4);
  return (2 * perCell * batch * height * width) / 1e9;
}

/** A copy of the fixture pipeline at `modelsDir/name` with its U-Net replaced by the heavy one. */
export async function writeHeavyPipeline(
  fixturePipeline: string,
  modelsDir: string,
  name: string,
  size: HeavyUnetSize,
): Promise<void> {
  const dir = join(modelsDir, name);
  await cp(fixturePipeline, dir, { recursive: true });
  await saveModel(join(dir, 'unet', 'model.onnx'), buildHeavyUnet(size));
}
