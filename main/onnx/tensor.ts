// ONNX TensorProto construction. Data always goes in `rawData` (little-endian bytes), which is compact
// and what ORT and onnx.checker expect for initializers; float16 is stored as its 16-bit patterns.
import { endianness } from 'node:os';
import { float32ToFloat16 } from '../util/float16.ts';
import { type OnnxTypes, onnx } from './proto.ts';

export type ElemType = 'float32' | 'float16' | 'int64' | 'int32' | 'bool';

export const ONNX_DATA_TYPE: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** Values for a tensor: numbers are converted to the element type (int64 via BigInt). */
export type TensorValues = ArrayLike<number> | BigInt64Array;

if (endianness() !== 'LE') {
  throw new Error('The ONNX writer copies typed-array bytes directly and needs a little-endian machine');
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** Encode `values` as the raw bytes of element type `type`. */
export function encodeValues(values: TensorValues, type: ElemType): Uint8Array {
  switch (type) {
    case 'float32':
      return bytesOf(
        values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>),
      );
    case 'float16':
      return bytesOf(float32ToFloat16(values as ArrayLike<number>));
    case 'int32':
      return bytesOf(values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>));
    case 'int64':
      if (values instanceof BigInt64Array) return bytesOf(values);
      return bytesOf(BigInt64Array.from(Array.from(values as ArrayLike<number>, (v) => BigInt(v))));
    case 'bool':
      return Uint8Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0));
  }
}

export function makeTensor(
  name: string,
  values: TensorValues,
  dims: readonly number[],
  type: ElemType,
): OnnxTypes.ITensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) {
    throw new Error(
      `Tensor ${name}: ${values.length} values do not fill shape [${dims.join(', ')}] (${count})`,
    );
  }
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: ONNX_DATA_TYPE[type],
    rawData: encodeValues(values, type),
  });
}
