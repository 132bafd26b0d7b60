// What the session pool reads about a model and its environment before and after opening it: the
// session's inputs and outputs as slot signatures see them, the weight bytes on disk, and the
// per-session thread cap.
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type ort from 'onnxruntime-node';
import { type OnnxValueInfo, readOnnxHeader } from './onnx-header.ts';
import type { ModelIO } from './slot-signatures.ts';

/** The session's inputs and outputs (a negative dimension is unknown: '?'). */
export function toIO(session: ort.InferenceSession): ModelIO {
  const convert = (meta: readonly ort.InferenceSession.ValueMetadata[]): OnnxValueInfo[] =>
    meta.map((m) =>
      m.isTensor
        ? {
            name: m.name,
            type: m.type as OnnxValueInfo['type'],
            shape: m.shape.map((d) => (typeof d === 'number' && d < 0 ? '?' : d)),
          }
        : { name: m.name, type: 'other', shape: [] },
    );
  return { inputs: convert(session.inputMetadata), outputs: convert(session.outputMetadata) };
}

/** Approximate memory of a model: the .onnx file plus its external data files. */
export async function weightBytes(path: string): Promise<number> {
  let total = (await stat(path)).size;
  try {
    const header = await readOnnxHeader(path);
    for (const file of header.externalData) total += (await stat(join(dirname(path), file))).size;
  } catch {
    // The size of the .onnx file alone is a fine estimate when the header cannot be read.
  }
  return total;
}

/** $DIFFGRAPH_INTRA_OP_THREADS caps ORT's threads per session (farm workers sharing a machine use 1). */
export function intraOpThreads(): { intraOpNumThreads?: number } {
  const threads = Number(process.env.DIFFGRAPH_INTRA_OP_THREADS);
  return Number.isInteger(threads) && threads > 0 ? { intraOpNumThreads: threads } : {};
}
