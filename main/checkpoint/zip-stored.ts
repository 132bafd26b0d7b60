// A minimal ZIP reader for torch checkpoints: torch.save writes an uncompressed ("stored") zip,
// zip64 past 4 GiB. We read the central directory with positioned reads and hand out each entry's
// byte range, so multi-GB .ckpt files are never loaded whole. Format: PKWARE APPNOTE.TXT 6.3.
import type { FileHandle } from 'node:fs/promises';

export interface ZipEntry {
  name: string;
  /** Absolute file offset of the entry's data. */
  dataOffset: number;
  size: number;
  /** 0 = stored; anything else is refused when read. */
  method: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

async function readAt(file: FileHandle, position: number, length: number): Promise<DataView> {
  const bytes = new Uint8Array(length);
  const { bytesRead } = await file.read(bytes, 0, length, position);
  return new DataView(bytes.buffer, 0, bytesRead);
}

async function findDirectory(file: FileHandle, path: string, size: number) {
  const tailLength = Math.min(size, 22 + 65535);
  const tail = await readAt(file, size - tailLength, tailLength);
  let at = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new Error(`${path}: not a zip archive (no end-of-central-directory record)`);
  let count = tail.getUint16(at + 10, true);
  let offset = tail.getUint32(at + 16, true);
  let length = tail.getUint32(at + 12, true);
  if (at >= 20 && tail.getUint32(at - 20, true) === ZIP64_LOCATOR) {
    const record = await readAt(file, Number(tail.getBigUint64(at - 20 + 8, true)), 56);
    if (record.getUint32(0, true) !== ZIP64_EOCD)
      throw new Error(`${path}: broken zip64 end-of-directory record`);
    count = Number(record.getBigUint64(32, true));
    length = Number(record.getBigUint64(40, true));
    offset = Number(record.getBigUint64(48, true));
  }
  if (offset + length > size)
    throw new Error(`${path}: zip central directory lies past the end of the file (truncated?)`);
  return { count, offset, length };
}

/** Sizes and offset from the zip64 extra field (tag 1), for the fields stored as 0xFFFFFFFF. */
function zip64Extra(
  view: DataView,
  start: number,
  end: number,
  fields: { size: number; csize: number; local: number },
) {
  for (let p = start; p + 4 <= end; ) {
    const tag = view.getUint16(p, true);
    const length = view.getUint16(p + 2, true);
    if (tag === 1) {
      let q = p + 4;
      const next = () => {
        const v = Number(view.getBigUint64(q, true));
        q += 8;
        return v;
      };
      if (fields.size === 0xffffffff) fields.size = next();
      if (fields.csize === 0xffffffff) fields.csize = next();
      if (fields.local === 0xffffffff) fields.local = next();
    }
    p += 4 + length;
  }
  return fields;
}

/** Every entry of the zip at `file` (positioned reads only). */
export async function readZipEntries(file: FileHandle, path: string): Promise<ZipEntry[]> {
  const { size } = await file.stat();
  const dir = await findDirectory(file, path, size);
  const view = await readAt(file, dir.offset, dir.length);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < dir.count; i++) {
    if (p + 46 > view.byteLength || view.getUint32(p, true) !== CENTRAL) {
      throw new Error(`${path}: zip central directory entry ${i} is malformed`);
    }
    const method = view.getUint16(p + 10, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const name = new TextDecoder().decode(new Uint8Array(view.buffer, p + 46, nameLength));
    const fields = zip64Extra(view, p + 46 + nameLength, p + 46 + nameLength + extraLength, {
      csize: view.getUint32(p + 20, true),
      size: view.getUint32(p + 24, true),
      local: view.getUint32(p + 42, true),
    });
    const local = await readAt(file, fields.local, 30);
    if (local.byteLength < 30 || local.getUint32(0, true) !== LOCAL)
      throw new Error(`${path}: zip entry "${name}" has no local header`);
    const dataOffset = fields.local + 30 + local.getUint16(26, true) + local.getUint16(28, true);
    if (dataOffset + fields.csize > size)
      throw new Error(`${path}: zip entry "${name}" reaches past the end of the file (truncated?)`);
    entries.push({ name, dataOffset, size: fields.csize, method });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
