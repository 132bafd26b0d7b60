// ComfyUI's metadata in a WebP (SaveImage as WebP, SaveAnimatedWEBP): an EXIF chunk whose IFD0 holds
// the prompt in tag 0x0110 (Model) as "prompt:<json>" and each extra_pnginfo entry from tag 0x010F
// (Make) downwards as "<key>:<json>", the workflow first (comfy_api/latest/_ui.py,
// _create_webp_metadata). Read by walking the RIFF chunks and one IFD; the image is never decoded.
import type { PngMetadata } from './png-metadata.ts';

export type WebpMetadata = Pick<PngMetadata, 'workflow' | 'prompt'>;

/** A RIFF file holds few chunks; an animated WebP adds one per frame, so bound the walk. */
const MAX_CHUNKS = 100_000;
const MAX_IFD_ENTRIES = 1000;
const ASCII = 2;
const UNDEFINED = 7;

export function isWebp(bytes: Buffer): boolean {
  return (
    bytes.length >= 12 &&
    bytes.toString('latin1', 0, 4) === 'RIFF' &&
    bytes.toString('latin1', 8, 12) === 'WEBP'
  );
}

/** The `workflow` and `prompt` ComfyUI stored; throws for a file that is not a WebP. */
export function readWebpMetadata(bytes: Buffer): WebpMetadata {
  if (!isWebp(bytes)) throw new Error('not a WebP file (no RIFF/WEBP header)');
  const exif = findChunk(bytes, 'EXIF');
  return exif ? readExifText(exif) : {};
}

function findChunk(bytes: Buffer, fourcc: string): Buffer | undefined {
  const end = Math.min(bytes.length, 8 + bytes.readUInt32LE(4));
  let at = 12;
  for (let n = 0; n < MAX_CHUNKS && at + 8 <= end; n++) {
    const size = bytes.readUInt32LE(at + 4);
    const dataEnd = at + 8 + size;
    if (dataEnd > end)
      throw new Error(`the WebP's "${bytes.toString('latin1', at, at + 4)}" chunk runs past the file`);
    if (bytes.toString('latin1', at, at + 4) === fourcc) return bytes.subarray(at + 8, dataEnd);
    at = dataEnd + (size & 1); // chunks are padded to an even size
  }
  return undefined;
}

/** IFD0's text tags that start with "workflow:" or "prompt:". */
function readExifText(chunk: Buffer): WebpMetadata {
  // Some writers (PIL among them) keep JPEG's "Exif\0\0" prefix before the TIFF header.
  const tiff = chunk.toString('latin1', 0, 6) === 'Exif\0\0' ? chunk.subarray(6) : chunk;
  if (tiff.length < 8) throw new Error("the WebP's EXIF chunk is too short for a TIFF header");
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') throw new Error("the WebP's EXIF chunk has no TIFF byte order mark");
  const little = order === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) throw new Error("the WebP's EXIF IFD lies past its chunk");
  const found: WebpMetadata = {};
  const count = Math.min(u16(ifd), MAX_IFD_ENTRIES);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) throw new Error("the WebP's EXIF IFD is cut short");
    const type = u16(entry + 2);
    if (type !== ASCII && type !== UNDEFINED) continue;
    const length = u32(entry + 4);
    const start = length <= 4 ? entry + 8 : u32(entry + 8);
    if (start + length > tiff.length)
      throw new Error(`EXIF tag 0x${u16(entry).toString(16)} runs past the chunk`);
    const text = tiff.toString('utf8', start, start + length).replace(/\0+$/, '');
    const colon = text.indexOf(':');
    const key = text.slice(0, colon);
    if ((key === 'workflow' || key === 'prompt') && found[key] === undefined)
      found[key] = text.slice(colon + 1);
  }
  return found;
}
