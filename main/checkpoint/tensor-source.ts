// What the network builders and the LoRA merger read weights from: a checkpoint's tensors by key,
// widened to float32 on demand (safetensors files, a restricted pickle reader, or memory in tests).
import type { SafetensorsDtype } from './safetensors-format.ts';

export interface TensorInfo {
  dtype: SafetensorsDtype;
  shape: readonly number[];
}

export interface TensorSource {
  /** Where the tensors come from, for error messages (a file path). */
  readonly name: string;
  /** Every tensor key, in file order. */
  keys(): readonly string[];
  has(key: string): boolean;
  /** dtype and shape without reading data; throws naming the key and the source when absent. */
  info(key: string): TensorInfo;
  /** The tensor's values as float32 (F16/BF16 widened exactly); throws naming the key when absent. */
  read(key: string): Promise<Float32Array>;
  /** The file's `__metadata__` strings (empty when none). */
  metadata(): Readonly<Record<string, string>>;
}
