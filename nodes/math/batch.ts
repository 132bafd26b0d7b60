// Batch handling shared by sampler guidance and the U-Net wrapper: broadcasting a single
// conditioning item to a latent batch, and running a model that takes only a fixed batch size
// on consecutive chunks of a larger batch.
import type { Tensor } from '../types.ts';

/** `tensor` when it has `batch` items; its one item repeated `batch` times; undefined otherwise. */
export function broadcastBatch(tensor: Tensor, batch: number): Tensor | undefined {
  const [have, ...rest] = tensor.shape;
  if (have === batch) return tensor;
  if (have !== 1) return undefined;
  const item = tensor.data.length;
  const data = new Float32Array(item * batch);
  for (let b = 0; b < batch; b++) data.set(tensor.data, b * item);
  return { data, shape: [batch, ...rest] };
}

/** Items `start` .. `start + count − 1` of a batch, as a view (no copy). */
export function batchSlice(tensor: Tensor, start: number, count: number): Tensor {
  const per = tensor.data.length / tensor.shape[0];
  return {
    data: tensor.data.subarray(start * per, (start + count) * per),
    shape: [count, ...tensor.shape.slice(1)],
  };
}

export type ChunkRun<C extends Tensor = Tensor> = (
  x: Float32Array,
  shape: number[],
  context: C | undefined,
) => Promise<Float32Array>;

/**
 * `run` over consecutive chunks of `chunk` items of x [batch, ...] (and of `context`, which has
 * the same batch), each result written at its chunk's place in `out`. `batch` must be a
 * multiple of `chunk` (callers say which input is wrong otherwise).
 */
export async function inBatchChunks<C extends Tensor = Tensor>(
  x: Float32Array,
  shape: readonly number[],
  chunk: number,
  context: C | undefined,
  run: ChunkRun<C>,
  out: Float32Array = new Float32Array(x.length),
  /** How to cut `context` (conditioning also carries per-row extras). */
  slice?: (context: C, start: number, count: number) => C,
): Promise<Float32Array> {
  const batch = shape[0];
  const item = x.length / batch;
  for (let start = 0; start < batch; start += chunk) {
    const part = x.subarray(start * item, (start + chunk) * item);
    const ctx = context && (slice ? slice(context, start, chunk) : (batchSlice(context, start, chunk) as C));
    out.set(await run(part, [chunk, ...shape.slice(1)], ctx), start * item);
  }
  return out;
}
