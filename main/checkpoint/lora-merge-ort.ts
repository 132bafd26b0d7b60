// The LoRA update W + factor · (up @ down) for large weights, run as one ONNX Runtime MatMul
// (multi-threaded SGEMM) instead of a JavaScript triple loop: an SD 1.5 LoRA of rank 32 touches
// ~270 M parameters, about 17 GFLOP. Small patches stay in JavaScript (addLoraDelta), where a
// session call would cost more than the arithmetic.
import type * as Ort from 'onnxruntime-node';
import { GraphBuilder } from '../onnx/graph-builder.ts';
import { modelBytes } from '../onnx/save.ts';
import { addLoraDelta, type LoraPatch } from './lora.ts';

/** Multiply-adds below which the JavaScript loop is faster than a session call. */
export const ORT_MERGE_THRESHOLD = 1 << 20;

// ONNX Runtime is loaded on the first large merge only: commands that merely list or validate
// (and reach this file through the build cache) must not load the native module.
let runtime: Promise<typeof Ort> | undefined;
let session: Promise<Ort.InferenceSession> | undefined;

function onnxRuntime(): Promise<typeof Ort> {
  runtime ??= import('onnxruntime-node');
  return runtime;
}

function mergeModel(): Uint8Array {
  const g = new GraphBuilder('lora_merge');
  const w = g.input('w', 'float32', ['out', 'cols']);
  const up = g.input('up', 'float32', ['out', 'rank']);
  const down = g.input('down', 'float32', ['rank', 'cols']);
  const factor = g.input('factor', 'float32', []);
  const delta = g.node('Mul', [g.node('MatMul', [up, down]), factor]);
  g.output('merged', g.node('Add', [w, delta]), 'float32', ['out', 'cols']);
  return modelBytes(g.build({ producer: 'diffgraph lora merge' }));
}

function mergeSession(): Promise<Ort.InferenceSession> {
  session ??= onnxRuntime().then((ort) =>
    ort.InferenceSession.create(mergeModel(), { executionProviders: ['cpu'] }),
  );
  return session;
}

/** `weight` with the patch added in place (rows of a packed weight included). */
export async function addLoraDeltaFast(
  weight: Float32Array,
  patch: LoraPatch,
  factor: number,
): Promise<void> {
  const { out, rank, cols } = patch;
  if (out * rank * cols < ORT_MERGE_THRESHOLD) {
    addLoraDelta(weight, patch, factor);
    return;
  }
  const start = (patch.target.rows?.start ?? 0) * cols;
  const rows = weight.subarray(start, start + out * cols);
  const ort = await onnxRuntime();
  const result = await (await mergeSession()).run({
    w: new ort.Tensor('float32', rows, [out, cols]),
    up: new ort.Tensor('float32', patch.up, [out, rank]),
    down: new ort.Tensor('float32', patch.down, [rank, cols]),
    factor: new ort.Tensor('float32', Float32Array.of(factor), []),
  });
  rows.set(result.merged.data as Float32Array);
  result.merged.dispose();
}
