// Streaming ONNX external data: each initializer's bytes go to the `.onnx_data` file the moment the
// builder makes it, and the model keeps only a location/offset/length reference (ONNX external-data
// spec, onnx/docs/ExternalData.md). A multi-GB model is built without ever holding its weights: peak
// memory is the tensors in flight. ORT resolves `location` against the model file's folder, so such
// a model must be loaded from its path, not from a Buffer.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { WeightSink } from './graph-builder.ts';
import { type OnnxTypes, onnx } from './proto.ts';
import { modelBytes } from './save.ts';

/** Tensors this small stay inside the model (shapes, scalars); ORT reads either. */
const MIN_EXTERNAL_BYTES = 1024;
/** Large tensors start page-aligned so ORT can map them; small ones 64-byte aligned. */
const PAGE = 4096;
const SMALL_ALIGN = 64;

export class ExternalWeightsFile {
  private fd: number | undefined;
  private offset = 0;
  private count = 0;

  /** `path` is written as given; tensors refer to it by `location` (its name beside the model). */
  constructor(
    readonly path: string,
    readonly location: string = basename(path),
  ) {
    this.fd = openSync(path, 'w');
  }

  /** Bytes written so far (including alignment padding). */
  get bytes(): number {
    return this.offset;
  }

  get tensors(): number {
    return this.count;
  }

  /** A WeightSink for GraphBuilder: writes the tensor's rawData and returns the reference. */
  readonly sink: WeightSink = (tensor) => {
    const raw = tensor.rawData;
    if (!raw || raw.length < MIN_EXTERNAL_BYTES) return tensor;
    if (this.fd === undefined) throw new Error(`${this.path}: external weights file already closed`);
    const align = raw.length >= 1 << 20 ? PAGE : SMALL_ALIGN;
    const start = Math.ceil(this.offset / align) * align;
    let done = 0;
    while (done < raw.length) done += writeSync(this.fd, raw, done, raw.length - done, start + done);
    this.offset = start + raw.length;
    this.count++;
    return onnx.TensorProto.create({
      name: tensor.name,
      dims: tensor.dims,
      dataType: tensor.dataType,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: this.location },
        { key: 'offset', value: String(start) },
        { key: 'length', value: String(raw.length) },
      ],
    });
  };

  close(): void {
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }
}

export interface ExternalModelFiles {
  modelPath: string;
  dataPath: string;
  /** Size of the external data file. */
  dataBytes: number;
}

/**
 * Build a model with `build(sink)` and save it as `dir/fileName` + `dir/fileName_data`. Both files
 * appear only when the build succeeded: they are written under temporary names and renamed, data
 * first, so a present model file always has its complete data beside it.
 */
export async function writeModelWithExternalWeights(
  dir: string,
  fileName: string,
  build: (sink: WeightSink) => Promise<OnnxTypes.IModelProto>,
): Promise<ExternalModelFiles> {
  const dataName = `${fileName}_data`;
  const modelPath = join(dir, fileName);
  const dataPath = join(dir, dataName);
  const suffix = `.${process.pid}.tmp`;
  const weights = new ExternalWeightsFile(dataPath + suffix, dataName);
  try {
    const model = await build(weights.sink);
    weights.close();
    await writeFile(modelPath + suffix, modelBytes(model));
    await rename(dataPath + suffix, dataPath);
    await rename(modelPath + suffix, modelPath);
    return { modelPath, dataPath, dataBytes: weights.bytes };
  } catch (error) {
    weights.close();
    await unlink(dataPath + suffix).catch(() => {});
    await unlink(modelPath + suffix).catch(() => {});
    throw error;
  }
}
