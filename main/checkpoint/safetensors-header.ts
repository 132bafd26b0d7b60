// Validating a safetensors header before anything trusts it. The rules follow the reference
// implementation (huggingface/safetensors, `Metadata::validate`): header at most 100 MB, a JSON
// object, known dtypes, shapes of non-negative integers, tensors laid out back to back (sorted by
// offset, no gaps, no overlaps) exactly filling the data section, byte length = elements × dtype size.
import { isSafetensorsDtype, SAFETENSORS_DTYPES, type SafetensorsEntry } from './safetensors-format.ts';

/** The reference implementation's bound on the header's size. */
export const MAX_HEADER_BYTES = 100_000_000;

/** A file that is not a valid safetensors file: the message names the file and the problem. */
export class SafetensorsError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'SafetensorsError';
  }
}

export interface ParsedHeader {
  entries: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseMetadata(file: string, value: unknown): Record<string, string> {
  if (!isPlainObject(value)) throw new SafetensorsError(file, '"__metadata__" must be an object of strings');
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new SafetensorsError(file, `"__metadata__" value for "${k}" must be a string, not ${typeof v}`);
    }
  }
  return value as Record<string, string>;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseEntry(file: string, key: string, value: unknown): SafetensorsEntry {
  const bad = (problem: string) => new SafetensorsError(file, `tensor "${key}": ${problem}`);
  if (!isPlainObject(value)) throw bad('entry must be an object with dtype, shape and data_offsets');
  const { dtype, shape, data_offsets: offsets } = value;
  if (!isSafetensorsDtype(dtype)) {
    throw bad(
      `unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(SAFETENSORS_DTYPES).join(', ')})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw bad(`shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw bad(`data_offsets must be [begin, end] of non-negative integers, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw bad(`data_offsets [${begin}, ${end}] end before they begin`);
  // BigInt: a hostile shape's product must not round to a plausible number.
  const expected = (shape as number[]).reduce((n, d) => n * BigInt(d), BigInt(SAFETENSORS_DTYPES[dtype]));
  if (expected !== BigInt(end - begin)) {
    throw bad(
      `shape [${shape}] of ${dtype} needs ${expected} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  }
  return { dtype, shape: shape as number[], dataOffsets: [begin, end] };
}

/** Tensors must tile the data section exactly, in offset order, as the reference requires. */
function checkLayout(file: string, entries: Map<string, SafetensorsEntry>, dataBytes: number): void {
  const sorted = [...entries].sort(
    (a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0] || a[1].dataOffsets[1] - b[1].dataOffsets[1],
  );
  let expectedBegin = 0;
  let previous = '';
  for (const [key, { dataOffsets }] of sorted) {
    const [begin, end] = dataOffsets;
    if (end > dataBytes) {
      throw new SafetensorsError(
        file,
        `tensor "${key}": data_offsets [${begin}, ${end}] reach past the end of the data section (${dataBytes} bytes: truncated file or bad offsets)`,
      );
    }
    if (begin < expectedBegin) {
      throw new SafetensorsError(
        file,
        `tensor "${key}": data_offsets [${begin}, ${end}] overlap tensor "${previous}" (which ends at ${expectedBegin})`,
      );
    }
    if (begin > expectedBegin) {
      throw new SafetensorsError(
        file,
        `tensor "${key}": data_offsets begin at ${begin}, leaving a gap after ${previous ? `tensor "${previous}"` : 'the header'} (which ends at ${expectedBegin})`,
      );
    }
    expectedBegin = end;
    previous = key;
  }
  if (expectedBegin !== dataBytes) {
    throw new SafetensorsError(
      file,
      `the tensors cover ${expectedBegin} bytes but the data section holds ${dataBytes} (trailing bytes or a truncated header)`,
    );
  }
}

/** Parse and validate the header text; `dataBytes` is the file size minus the header. */
export function parseSafetensorsHeader(file: string, text: string, dataBytes: number): ParsedHeader {
  if (!text.startsWith('{'))
    throw new SafetensorsError(file, 'header does not start with "{" (not a safetensors file?)');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SafetensorsError(file, `header is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(json)) throw new SafetensorsError(file, 'header must be a JSON object');
  const entries = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(json)) {
    if (key === '__metadata__') metadata = parseMetadata(file, value);
    else entries.set(key, parseEntry(file, key, value));
  }
  checkLayout(file, entries, dataBytes);
  return { entries, metadata };
}
