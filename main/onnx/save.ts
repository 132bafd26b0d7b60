// Serialising models: to bytes, to a file, or to a file plus an external-data file beside it
// (as large real exports do: `model.onnx` + `model.onnx_data`).
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type OnnxTypes, onnx } from './proto.ts';

export function modelBytes(model: OnnxTypes.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

export async function saveModel(path: string, model: OnnxTypes.IModelProto): Promise<void> {
  await writeFile(path, modelBytes(model));
}

/**
 * Save with every initializer of at least `minBytes` moved into `dataFile` (a name beside `path`),
 * referenced by location/offset/length entries as the ONNX external-data spec describes.
 */
export async function saveModelWithExternalData(
  path: string,
  model: OnnxTypes.IModelProto,
  dataFile = `${basename(path)}_data`,
  minBytes = 64,
): Promise<void> {
  const copy = onnx.ModelProto.decode(modelBytes(model));
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const tensor of copy.graph?.initializer ?? []) {
    const raw = tensor.rawData;
    if (!raw || raw.length < minBytes) continue;
    chunks.push(raw);
    tensor.externalData = [
      { key: 'location', value: dataFile },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) },
    ];
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    tensor.rawData = new Uint8Array(0);
    offset += raw.length;
  }
  await writeFile(join(dirname(path), dataFile), Buffer.concat(chunks));
  await saveModel(path, copy);
}
