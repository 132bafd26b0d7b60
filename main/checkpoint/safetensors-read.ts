// Reading safetensors files without loading them whole: the header is validated first
// (safetensors-header.ts), then each tensor is read on demand with a positioned read, so
// multi-GB checkpoints (past Node's 2 GiB readFile limit) open in milliseconds.
import { type FileHandle, open } from 'node:fs/promises';
import { float16ToFloat32 } from '../util/float16.ts';
import { bf16ToFloat32, type SafetensorsDtype, type SafetensorsEntry } from './safetensors-format.ts';
import { MAX_HEADER_BYTES, parseSafetensorsHeader, SafetensorsError } from './safetensors-header.ts';
import type { TensorInfo, TensorSource } from './tensor-source.ts';

export { SafetensorsError } from './safetensors-header.ts';

const FLOAT_DTYPES = new Set(['F64', 'F32', 'F16', 'BF16']);

export interface SafetensorsFile extends TensorSource {
  /** The raw little-endian bytes of a tensor, whatever its dtype. */
  readBytes(key: string): Promise<Uint8Array>;
  /** An integer or boolean tensor's values as numbers (64-bit values must be exact doubles). */
  readNumbers(key: string): Promise<Float64Array>;
  /** Bytes of the header (8-byte length included): where the data section begins. */
  readonly dataStart: number;
  close(): Promise<void>;
}

async function readExactly(
  file: FileHandle,
  path: string,
  into: Uint8Array,
  position: number,
): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await file.read(into, done, into.length - done, position + done);
    if (bytesRead === 0)
      throw new SafetensorsError(
        path,
        `file ended at byte ${position + done} while reading ${into.length} bytes at ${position} (truncated?)`,
      );
    done += bytesRead;
  }
}

async function readHeader(file: FileHandle, path: string, size: number) {
  if (size < 8)
    throw new SafetensorsError(path, `file is ${size} bytes, too short for the 8-byte header length`);
  const lengthBytes = new Uint8Array(8);
  await readExactly(file, path, lengthBytes, 0);
  const length = new DataView(lengthBytes.buffer).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(
      path,
      `header length ${length} exceeds the ${MAX_HEADER_BYTES}-byte limit (not a safetensors file?)`,
    );
  }
  const headerBytes = Number(length);
  if (8 + headerBytes > size) {
    throw new SafetensorsError(
      path,
      `header length ${headerBytes} reaches past the end of the ${size}-byte file (truncated?)`,
    );
  }
  const text = new Uint8Array(headerBytes);
  await readExactly(file, path, text, 8);
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(text);
  } catch {
    throw new SafetensorsError(path, 'header is not valid UTF-8');
  }
  return { dataStart: 8 + headerBytes, ...parseSafetensorsHeader(path, decoded, size - 8 - headerBytes) };
}

function widen(entry: SafetensorsEntry, bytes: Uint8Array): Float32Array {
  return widenToFloat32(
    entry.dtype,
    bytes,
    entry.shape.reduce((a, b) => a * b, 1),
  );
}

/** `count` F32/F16/BF16/F64 values from a fresh (offset 0, so aligned) buffer, as float32. */
export function widenToFloat32(dtype: SafetensorsDtype, bytes: Uint8Array, count: number): Float32Array {
  switch (dtype) {
    case 'F32':
      return new Float32Array(bytes.buffer, 0, count);
    case 'F16':
      return float16ToFloat32(new Uint16Array(bytes.buffer, 0, count));
    case 'BF16':
      return bf16ToFloat32(new Uint16Array(bytes.buffer, 0, count));
    default:
      return Float32Array.from(new Float64Array(bytes.buffer, 0, count));
  }
}

const INTEGER_VIEWS: Record<string, (b: ArrayBuffer, n: number) => ArrayLike<number | bigint>> = {
  I64: (b, n) => new BigInt64Array(b, 0, n),
  U64: (b, n) => new BigUint64Array(b, 0, n),
  I32: (b, n) => new Int32Array(b, 0, n),
  U32: (b, n) => new Uint32Array(b, 0, n),
  I16: (b, n) => new Int16Array(b, 0, n),
  U16: (b, n) => new Uint16Array(b, 0, n),
  I8: (b, n) => new Int8Array(b, 0, n),
  U8: (b, n) => new Uint8Array(b, 0, n),
  BOOL: (b, n) => new Uint8Array(b, 0, n),
};

function integers(entry: SafetensorsEntry, bytes: Uint8Array): ArrayLike<number | bigint> {
  return INTEGER_VIEWS[entry.dtype](
    bytes.buffer as ArrayBuffer,
    entry.shape.reduce((a, b) => a * b, 1),
  );
}

/** Open and validate `path`; tensors are read later, one positioned read each. */
export async function openSafetensors(path: string): Promise<SafetensorsFile> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const { dataStart, entries, metadata } = await readHeader(file, path, size);
    return new SafetensorsReader(path, file, dataStart, entries, metadata);
  } catch (error) {
    await file.close();
    throw error;
  }
}

class SafetensorsReader implements SafetensorsFile {
  private readonly order: string[];

  constructor(
    readonly name: string,
    private readonly file: FileHandle,
    readonly dataStart: number,
    private readonly entries: Map<string, SafetensorsEntry>,
    private readonly meta: Record<string, string>,
  ) {
    this.order = [...entries.keys()].sort(
      (a, b) => this.entry(a).dataOffsets[0] - this.entry(b).dataOffsets[0],
    );
  }

  keys(): readonly string[] {
    return this.order;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  private entry(key: string): SafetensorsEntry {
    const entry = this.entries.get(key);
    if (!entry) throw new SafetensorsError(this.name, `no tensor "${key}"`);
    return entry;
  }

  info(key: string): TensorInfo {
    const { dtype, shape } = this.entry(key);
    return { dtype, shape };
  }

  metadata(): Readonly<Record<string, string>> {
    return this.meta;
  }

  async readBytes(key: string): Promise<Uint8Array> {
    const [begin, end] = this.entry(key).dataOffsets;
    const bytes = new Uint8Array(end - begin);
    await readExactly(this.file, this.name, bytes, this.dataStart + begin);
    return bytes;
  }

  async read(key: string): Promise<Float32Array> {
    const entry = this.entry(key);
    if (!FLOAT_DTYPES.has(entry.dtype)) {
      throw new SafetensorsError(
        this.name,
        `tensor "${key}" is ${entry.dtype}, not a floating-point weight (read it with readNumbers)`,
      );
    }
    return widen(entry, await this.readBytes(key));
  }

  async readNumbers(key: string): Promise<Float64Array> {
    const entry = this.entry(key);
    if (FLOAT_DTYPES.has(entry.dtype)) return Float64Array.from(await this.read(key));
    const values = integers(entry, await this.readBytes(key));
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (
        typeof v === 'bigint' &&
        (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER))
      ) {
        throw new SafetensorsError(
          this.name,
          `tensor "${key}" holds ${v}, beyond the exactly representable range`,
        );
      }
      out[i] = Number(v);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
