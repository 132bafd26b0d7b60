// A small ONNX writer: build graphs in TypeScript and save them for ONNX Runtime.
export { float16ToFloat32, float32ToFloat16, fromFloat16Bits, toFloat16Bits } from '../util/float16.ts';
export {
  type AttrValue,
  type Dim,
  GraphBuilder,
  IR_VERSION,
  OPSET,
  type WeightSink,
} from './graph-builder.ts';
export { Layers, type WeightType } from './layers.ts';
export { type PipelineSpec, writePipelineFolder } from './pipeline-folder.ts';
export { SeededRandom } from './random.ts';
export { modelBytes, saveModel, saveModelWithExternalData } from './save.ts';
export { interpolateAlphaCumprod, scaledLinearAlphasCumprod } from './sd-schedule.ts';
export { type ElemType, encodeValues, makeTensor, type TensorValues } from './tensor.ts';
export { alphaCumprodAt } from './timestep-table.ts';
