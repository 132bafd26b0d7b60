// Converting between our float32 wire values and the element types a session declares.
import ort from 'onnxruntime-node';
import { float16ToFloat32, float32ToFloat16 } from '../util/float16.ts';
import type { FloatType, OnnxElementType } from './onnx-header.ts';

// Declared with the element types (no onnxruntime there), so header-only checks need no native module.
export { type FloatType, isFloatType } from './onnx-header.ts';

export function floatTensor(data: Float32Array, shape: readonly number[], type: FloatType): ort.Tensor {
  if (type === 'float16') return new ort.Tensor('float16', float32ToFloat16(data), shape);
  return new ort.Tensor('float32', data, shape);
}

/** A float32 copy (or view) of a float output, whatever its element type. */
export function readFloats(tensor: ort.Tensor): Float32Array {
  if (tensor.type === 'float32') return tensor.data as Float32Array;
  if (tensor.type === 'float16') return float16ToFloat32(tensor.data as Uint16Array);
  throw new Error(`expected a float32 or float16 output, got ${tensor.type}`);
}

/** A tensor of one repeated number in any numeric element type (timesteps, masks). */
export function filledTensor(value: number, shape: readonly number[], type: OnnxElementType): ort.Tensor {
  const count = shape.reduce((a, b) => a * b, 1);
  switch (type) {
    case 'int64':
      return new ort.Tensor('int64', new BigInt64Array(count).fill(BigInt(Math.round(value))), shape);
    case 'int32':
      return new ort.Tensor('int32', new Int32Array(count).fill(Math.round(value)), shape);
    case 'float32':
      return new ort.Tensor('float32', new Float32Array(count).fill(value), shape);
    case 'float16':
      return floatTensor(new Float32Array(count).fill(value), shape, 'float16');
    default:
      throw new Error(`unsupported element type ${type}`);
  }
}

export function idsTensor(ids: Int32Array, shape: readonly number[], type: OnnxElementType): ort.Tensor {
  if (type === 'int32') return new ort.Tensor('int32', ids, shape);
  if (type === 'int64')
    return new ort.Tensor(
      'int64',
      BigInt64Array.from(ids, (v) => BigInt(v)),
      shape,
    );
  throw new Error(`token ids must be int32 or int64, the model declares ${type}`);
}
