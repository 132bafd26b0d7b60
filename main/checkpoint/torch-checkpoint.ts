// `.ckpt` / `.pt` files (torch.save's zip format) read without running them: the pickle is
// interpreted by our restricted unpickler (pickle.ts), which only rebuilds tensors and plain
// containers and refuses every other global by name; tensor bytes are read with positioned reads.
// The pre-1.6 (non-zip) torch format is refused with a way out.
import { type FileHandle, open } from 'node:fs/promises';
import { type GlobalHandler, type PickleOptions, unpickle } from './pickle.ts';
import { SAFETENSORS_DTYPES, type SafetensorsDtype } from './safetensors-format.ts';
import { widenToFloat32 } from './safetensors-read.ts';
import type { TensorInfo, TensorSource } from './tensor-source.ts';
import { readZipEntries, type ZipEntry } from './zip-stored.ts';

const CONVERT_HINT =
  'convert it to .safetensors with a tool you trust (or download the .safetensors release of the model)';

const STORAGES: Record<string, SafetensorsDtype> = {
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  DoubleStorage: 'F64',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

interface StorageRef {
  dtype: SafetensorsDtype;
  key: string;
}

class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

/** Placeholder for an allowed inert class (Lightning callbacks, numpy scalars): never called. */
const inert: GlobalHandler = () => ({ state: undefined });

function tensorGlobals(file: string): {
  globals: Map<string, GlobalHandler>;
  storageTypes: Map<GlobalHandler, SafetensorsDtype>;
} {
  const storageTypes = new Map<GlobalHandler, SafetensorsDtype>();
  const rebuild: GlobalHandler = ([storage, offset, size, stride]) => {
    if (!(storage && typeof storage === 'object' && 'key' in storage))
      throw new Error(`${file}: a tensor without storage`);
    return new TensorRef(
      storage as StorageRef,
      Number(offset),
      (size as number[]).map(Number),
      (stride as number[]).map(Number),
    );
  };
  const globals = new Map<string, GlobalHandler>([
    ['torch._utils._rebuild_tensor_v2', rebuild],
    ['torch._utils._rebuild_tensor', rebuild],
    ['torch._utils._rebuild_parameter', ([data]) => data],
    ['torch._utils._rebuild_parameter_with_state', ([data]) => data],
    [
      'collections.OrderedDict',
      ([pairs]) => new Map(Array.isArray(pairs) ? (pairs as [unknown, unknown][]) : []),
    ],
    ['builtins.set', ([items]) => new Set(Array.isArray(items) ? items : [])],
    ['pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint', inert],
    ['numpy.core.multiarray.scalar', inert],
    ['numpy.dtype', inert],
    ['_codecs.encode', inert],
  ]);
  for (const [name, dtype] of Object.entries(STORAGES)) {
    const marker: GlobalHandler = () => {
      throw new Error(`${file}: torch.${name} called directly`);
    };
    storageTypes.set(marker, dtype);
    globals.set(`torch.${name}`, marker);
  }
  return { globals, storageTypes };
}

function persistentLoader(file: string, storageTypes: Map<GlobalHandler, SafetensorsDtype>) {
  return (pid: unknown): StorageRef => {
    if (!Array.isArray(pid) || pid[0] !== 'storage')
      throw new Error(`${file}: unknown persistent id in the pickle`);
    const dtype = storageTypes.get(pid[1] as GlobalHandler);
    if (!dtype) throw new Error(`${file}: storage of an unknown type`);
    return { dtype, key: String(pid[2]) };
  };
}

/** Tensors in `value` under dotted names (nested dicts flattened, as safetensors keys are). */
function collectTensors(value: unknown, prefix: string, out: Map<string, TensorRef>): void {
  if (value instanceof TensorRef) out.set(prefix, value);
  else if (value instanceof Map) {
    for (const [k, v] of value) collectTensors(v, prefix ? `${prefix}.${String(k)}` : String(k), out);
  }
}

function stateDictOf(root: unknown): unknown {
  if (root instanceof Map && root.get('state_dict') instanceof Map) return root.get('state_dict');
  return root;
}

function isContiguous(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && stride[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** Open a torch zip checkpoint; tensors are read on demand. Throws on any refused global. */
export async function openTorchCheckpoint(path: string): Promise<TorchCheckpoint> {
  const file = await open(path, 'r');
  try {
    const magic = new Uint8Array(4);
    await file.read(magic, 0, 4, 0);
    if (magic[0] !== 0x50 || magic[1] !== 0x4b) {
      throw new Error(
        `${path}: not a torch zip checkpoint (the legacy pre-1.6 pickle format is not read): ${CONVERT_HINT}`,
      );
    }
    const entries = await readZipEntries(file, path);
    const pkl = entries.find((e) => e.name.endsWith('/data.pkl') || e.name === 'data.pkl');
    if (!pkl) throw new Error(`${path}: a zip without data.pkl is not a torch checkpoint`);
    const folder = pkl.name.slice(0, -'data.pkl'.length);
    const order = entries.find((e) => e.name === `${folder}byteorder`);
    if (order && new TextDecoder().decode(await readEntry(file, path, order)).trim() !== 'little') {
      throw new Error(`${path}: big-endian torch checkpoints are not supported: ${CONVERT_HINT}`);
    }
    const { globals, storageTypes } = tensorGlobals(path);
    const options: PickleOptions = {
      file: path,
      globals,
      persistentLoad: persistentLoader(path, storageTypes),
    };
    const tensors = new Map<string, TensorRef>();
    collectTensors(stateDictOf(unpickle(await readEntry(file, path, pkl), options)), '', tensors);
    const byName = new Map(entries.map((e) => [e.name, e]));
    return new TorchCheckpoint(path, file, tensors, (key) => byName.get(`${folder}data/${key}`));
  } catch (error) {
    await file.close();
    throw error;
  }
}

async function readEntry(
  file: FileHandle,
  path: string,
  entry: ZipEntry,
  start = 0,
  length = entry.size,
): Promise<Uint8Array> {
  if (entry.method !== 0)
    throw new Error(
      `${path}: zip entry "${entry.name}" is compressed (method ${entry.method}); torch writes stored entries: ${CONVERT_HINT}`,
    );
  if (start + length > entry.size)
    throw new Error(`${path}: a tensor reaches past the end of storage "${entry.name}"`);
  const bytes = new Uint8Array(length);
  const { bytesRead } = await file.read(bytes, 0, length, entry.dataOffset + start);
  if (bytesRead !== length) throw new Error(`${path}: file ended inside "${entry.name}" (truncated?)`);
  return bytes;
}

export class TorchCheckpoint implements TensorSource {
  constructor(
    readonly name: string,
    private readonly file: FileHandle,
    private readonly tensors: Map<string, TensorRef>,
    private readonly storage: (key: string) => ZipEntry | undefined,
  ) {}

  keys(): readonly string[] {
    return [...this.tensors.keys()];
  }

  has(key: string): boolean {
    return this.tensors.has(key);
  }

  private ref(key: string): TensorRef {
    const ref = this.tensors.get(key);
    if (!ref) throw new Error(`${this.name}: no tensor "${key}"`);
    return ref;
  }

  info(key: string): TensorInfo {
    const ref = this.ref(key);
    return { dtype: ref.storage.dtype, shape: ref.shape };
  }

  metadata(): Readonly<Record<string, string>> {
    return {};
  }

  async read(key: string): Promise<Float32Array> {
    const ref = this.ref(key);
    const { dtype } = ref.storage;
    if (!['F32', 'F16', 'BF16', 'F64'].includes(dtype))
      throw new Error(`${this.name}: tensor "${key}" is ${dtype}, not a floating-point weight`);
    const entry = this.storage(ref.storage.key);
    if (!entry)
      throw new Error(`${this.name}: tensor "${key}" refers to missing storage "${ref.storage.key}"`);
    const size = SAFETENSORS_DTYPES[dtype];
    const count = ref.shape.reduce((a, b) => a * b, 1);
    if (count === 0) return new Float32Array(0);
    // The span of storage elements the tensor touches (views may be strided or transposed).
    const last = ref.shape.reduce((sum, d, i) => sum + (d - 1) * ref.stride[i], 0);
    const span = await readEntry(this.file, this.name, entry, ref.offset * size, (last + 1) * size);
    const values = widenToFloat32(dtype, span, last + 1);
    return isContiguous(ref.shape, ref.stride)
      ? values.subarray(0, count)
      : gather(values, ref.shape, ref.stride);
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

/** Row-major copy of a strided view. */
function gather(values: Float32Array, shape: number[], stride: number[]): Float32Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(count);
  const index = new Array(shape.length).fill(0);
  for (let i = 0; i < count; i++) {
    let at = 0;
    for (let d = 0; d < shape.length; d++) at += index[d] * stride[d];
    out[i] = values[at];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}
