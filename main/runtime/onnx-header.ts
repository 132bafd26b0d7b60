// Reads an ONNX file's graph inputs, outputs and external-data file names without loading its
// weights: a positional protobuf walk that skips initializer payloads, so scanning a folder of
// multi-gigabyte models stays fast. Small messages (ValueInfoProto) are decoded with onnx-proto.
import { type FileHandle, open, stat } from 'node:fs/promises';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type OnnxElementType =
  | 'float32'
  | 'float16'
  | 'float64'
  | 'int64'
  | 'int32'
  | 'int8'
  | 'uint8'
  | 'bool'
  | 'string'
  | 'bfloat16'
  | 'other';

export type FloatType = 'float32' | 'float16';

export function isFloatType(type: OnnxElementType): type is FloatType {
  return type === 'float32' || type === 'float16';
}

export interface OnnxValueInfo {
  name: string;
  type: OnnxElementType;
  /** Numbers for fixed sizes, strings for symbolic (dynamic) ones. */
  shape: (number | string)[];
}

export interface OnnxHeader {
  irVersion: number;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** External-data file names the initializers point at (relative to the model's folder). */
  externalData: string[];
}

const ELEMENT_TYPES: Record<number, OnnxElementType> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  16: 'bfloat16',
};

export function elementTypeName(code: number): OnnxElementType {
  return ELEMENT_TYPES[code] ?? 'other';
}

/** A forward-only cursor over a file region, reading through a small buffer. */
class Cursor {
  private buffer = Buffer.alloc(0);
  private bufferStart = 0;

  constructor(
    private readonly file: FileHandle,
    public pos: number,
    readonly end: number,
  ) {}

  async byte(): Promise<number> {
    if (this.pos >= this.end) throw new Error('unexpected end of data');
    const offset = this.pos - this.bufferStart;
    if (offset < 0 || offset >= this.buffer.length) {
      this.buffer = Buffer.alloc(Math.min(64 * 1024, this.end - this.pos));
      this.bufferStart = this.pos;
      await this.file.read(this.buffer, 0, this.buffer.length, this.pos);
    }
    return this.buffer[this.pos++ - this.bufferStart];
  }

  async varint(): Promise<number> {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = await this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new Error('malformed varint');
  }

  async bytes(length: number): Promise<Buffer> {
    this.require(length);
    const out = Buffer.alloc(length);
    await this.file.read(out, 0, length, this.pos);
    this.pos += length;
    return out;
  }

  skip(length: number): void {
    this.require(length);
    this.pos += length;
  }

  sub(length: number): Cursor {
    this.require(length);
    const child = new Cursor(this.file, this.pos, this.pos + length);
    this.pos += length;
    return child;
  }

  private require(length: number): void {
    if (this.pos + length > this.end) throw new Error('a field runs past the end of the data');
  }
}

type Field = { number: number; wire: number };

async function nextField(cursor: Cursor): Promise<Field> {
  const key = await cursor.varint();
  const field = { number: Math.floor(key / 8), wire: key % 8 };
  if (field.number === 0 || ![0, 1, 2, 5].includes(field.wire)) {
    throw new Error(`invalid protobuf field (number ${field.number}, wire type ${field.wire})`);
  }
  return field;
}

async function skipValue(cursor: Cursor, wire: number): Promise<void> {
  if (wire === 0) await cursor.varint();
  else if (wire === 1) cursor.skip(8);
  else if (wire === 5) cursor.skip(4);
  else cursor.skip(await cursor.varint());
}

function toValueInfo(bytes: Uint8Array): OnnxValueInfo {
  const info = onnx.ValueInfoProto.decode(bytes);
  const tensor = info.type?.tensorType;
  const dims = tensor?.shape?.dim ?? [];
  return {
    name: info.name,
    type: elementTypeName(tensor?.elemType ?? 0),
    shape: dims.map((d) => (d.dimParam ? d.dimParam : d.dimValue != null ? Number(d.dimValue) : '?')),
  };
}

/** TensorProto: field 8 name, 13 external_data entries (key/value), payloads skipped. */
async function readInitializer(cursor: Cursor): Promise<{ name: string; locations: string[] }> {
  let name = '';
  const locations: string[] = [];
  while (cursor.pos < cursor.end) {
    const field = await nextField(cursor);
    if (field.number === 8 && field.wire === 2)
      name = (await cursor.bytes(await cursor.varint())).toString('utf8');
    else if (field.number === 13 && field.wire === 2) {
      const entry = onnx.StringStringEntryProto.decode(await cursor.bytes(await cursor.varint()));
      if (entry.key === 'location') locations.push(entry.value);
    } else await skipValue(cursor, field.wire);
  }
  return { name, locations };
}

async function readGraph(cursor: Cursor, header: OnnxHeader): Promise<void> {
  const initializerNames = new Set<string>();
  const externalData = new Set<string>();
  while (cursor.pos < cursor.end) {
    const field = await nextField(cursor);
    if (field.wire !== 2) {
      await skipValue(cursor, field.wire);
      continue;
    }
    const length = await cursor.varint();
    if (field.number === 11) header.inputs.push(toValueInfo(await cursor.bytes(length)));
    else if (field.number === 12) header.outputs.push(toValueInfo(await cursor.bytes(length)));
    else if (field.number === 5) {
      const init = await readInitializer(cursor.sub(length));
      initializerNames.add(init.name);
      for (const location of init.locations) externalData.add(location);
    } else cursor.skip(length);
  }
  // Before IR 4 initializers were also listed as graph inputs; they are not real inputs.
  header.inputs = header.inputs.filter((input) => !initializerNames.has(input.name));
  header.externalData = [...externalData];
}

/** Read the header of an ONNX file. Throws a descriptive error for files that are not ONNX models. */
export async function readOnnxHeader(path: string): Promise<OnnxHeader> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const header: OnnxHeader = { irVersion: 0, inputs: [], outputs: [], externalData: [] };
    const cursor = new Cursor(file, 0, size);
    let sawGraph = false;
    try {
      while (cursor.pos < cursor.end) {
        const field = await nextField(cursor);
        if (field.number === 1 && field.wire === 0) header.irVersion = await cursor.varint();
        else if (field.number === 7 && field.wire === 2) {
          await readGraph(cursor.sub(await cursor.varint()), header);
          sawGraph = true;
        } else await skipValue(cursor, field.wire);
      }
    } catch (error) {
      throw new Error(
        `${path} is not a valid ONNX model (corrupt or truncated: ${(error as Error).message})`,
      );
    }
    if (!sawGraph || header.irVersion === 0) {
      throw new Error(`${path} is not a valid ONNX model (no model graph found)`);
    }
    return header;
  } finally {
    await file.close();
  }
}

export function describeValue(value: OnnxValueInfo): string {
  return `${value.name}: ${value.type}[${value.shape.join(',')}]`;
}

const remembered = new Map<string, { size: number; mtimeMs: number; header: OnnxHeader }>();

/**
 * readOnnxHeader, remembered per file until its size or modification time changes: loader nodes
 * run every time a graph runs, and a large U-Net's header walk cost milliseconds each time.
 * Callers must not modify the returned header.
 */
export async function cachedOnnxHeader(path: string): Promise<OnnxHeader> {
  const { size, mtimeMs } = await stat(path);
  const hit = remembered.get(path);
  if (hit && hit.size === size && hit.mtimeMs === mtimeMs) return hit.header;
  const header = await readOnnxHeader(path);
  remembered.set(path, { size, mtimeMs, header });
  return header;
}
