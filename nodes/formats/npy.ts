// NumPy .npy files (format spec: numpy.lib.format): magic "\x93NUMPY", version, little-endian header
// length, a Python-literal dict header padded with spaces to a multiple of 64 bytes and ending in
// "\n", then the raw array. We write version 1.0, '<f4', C order; we read float32/float64/float16,
// either byte order, C order, versions 1–3.
import type { Tensor } from '../types.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function encodeNpy(tensor: Tensor): Uint8Array {
  const shape = tensor.shape.length === 1 ? `(${tensor.shape[0]},)` : `(${tensor.shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + dict.length + 1;
  const padding = (64 - (unpadded % 64)) % 64;
  const header = `${dict}${' '.repeat(padding)}\n`;
  if (header.length > 0xffff) throw new RangeError('npy header too long for format version 1.0');
  const bytes = new Uint8Array(10 + header.length + tensor.data.length * 4);
  bytes.set(MAGIC, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  const view = new DataView(bytes.buffer, 10 + header.length);
  for (let i = 0; i < tensor.data.length; i++) view.setFloat32(i * 4, tensor.data[i], true);
  return bytes;
}

export class NpyFormatError extends Error {
  override name = 'NpyFormatError';
}

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

function parseHeader(text: string): NpyHeader {
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyFormatError(`not a valid .npy header: ${text.trim().slice(0, 80)}`);
  }
  const shape = shapeText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const value = Number(part.replace(/L$/, ''));
      if (!Number.isSafeInteger(value) || value < 0)
        throw new NpyFormatError(`bad dimension '${part}' in .npy shape`);
      return value;
    });
  return { descr, fortranOrder: fortran === 'True', shape };
}

const DTYPES: Record<
  string,
  { size: number; read(view: DataView, offset: number, little: boolean): number }
> = {
  f4: { size: 4, read: (v, o, le) => v.getFloat32(o, le) },
  f8: { size: 8, read: (v, o, le) => v.getFloat64(o, le) },
  f2: { size: 2, read: (v, o, le) => halfToFloat(v.getUint16(o, le)) },
};

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Parse a .npy file into a float32 tensor. */
export function decodeNpy(bytes: Uint8Array): Tensor {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new NpyFormatError('not a NumPy .npy file (bad magic bytes)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart = 10;
  let headerLength: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new NpyFormatError(`unsupported .npy format version ${major}.${bytes[7]}`);
  }
  const header = parseHeader(
    new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
      bytes.subarray(headerStart, headerStart + headerLength),
    ),
  );
  if (header.fortranOrder)
    throw new NpyFormatError('Fortran-order .npy arrays are not supported; save with C order');
  const order = header.descr[0];
  const dtype = DTYPES[header.descr.slice(1)];
  if (!dtype || !['<', '>', '='].includes(order)) {
    throw new NpyFormatError(
      `unsupported .npy dtype '${header.descr}' (expected float32 '<f4', float64 or float16)`,
    );
  }
  const count = header.shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLength;
  if (bytes.length - dataStart < count * dtype.size) {
    throw new NpyFormatError(
      `.npy file is truncated: shape (${header.shape.join(', ')}) needs ${count * dtype.size} data bytes, found ${bytes.length - dataStart}`,
    );
  }
  const little = order !== '>';
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = dtype.read(view, dataStart + i * dtype.size, little);
  return { data, shape: header.shape };
}
