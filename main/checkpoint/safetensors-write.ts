// A safetensors writer: tests and benchmarks generate checkpoints, LoRAs and embeddings with it
// (no weights are ever downloaded). Tensors are streamed one by one to the file, so a multi-GB
// checkpoint never sits in memory whole. The file appears atomically (temp file + rename).
import { open, rename, unlink } from 'node:fs/promises';
import { float32ToFloat16 } from '../util/float16.ts';
import { float32ToBf16, SAFETENSORS_DTYPES, type SafetensorsDtype } from './safetensors-format.ts';

/** A tensor to write: float32 values converted to `dtype` on the way (F32, F16 or BF16). */
export interface TensorToWrite {
  name: string;
  shape: readonly number[];
  dtype: 'F32' | 'F16' | 'BF16';
  /** The values, or a function producing them when the writer reaches this tensor. */
  values: Float32Array | (() => Float32Array);
}

function encode(t: TensorToWrite): Uint8Array {
  const values = typeof t.values === 'function' ? t.values() : t.values;
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (values.length !== count) {
    throw new Error(`safetensors writer: ${t.name} has ${values.length} values for shape [${t.shape}]`);
  }
  const typed =
    t.dtype === 'F32' ? values : t.dtype === 'F16' ? float32ToFloat16(values) : float32ToBf16(values);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

/** The header JSON for `tensors` laid out in order (with `__metadata__` first when given). */
export function safetensorsHeader(
  tensors: readonly Pick<TensorToWrite, 'name' | 'shape' | 'dtype'>[],
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * SAFETENSORS_DTYPES[t.dtype as SafetensorsDtype];
    header[t.name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + text.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  return out;
}

/** Write `tensors` (in the given order) to `path` as a safetensors file. */
export async function writeSafetensors(
  path: string,
  tensors: readonly TensorToWrite[],
  metadata?: Record<string, string>,
): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const file = await open(tmp, 'w');
  try {
    await file.write(safetensorsHeader(tensors, metadata));
    for (const t of tensors) await file.write(encode(t));
    await file.sync();
    await file.close();
    await rename(tmp, path);
  } catch (error) {
    await file.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw error;
  }
}
