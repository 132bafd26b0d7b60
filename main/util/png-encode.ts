// A minimal synchronous PNG encoder for 8-bit RGB pixels (filter 0 on every row, zlib deflate).
// Used where sharp's per-call setup and thread-pool hop cost more than the image itself: the
// small sampler previews sent every few steps.
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** PNG bytes of a width × height RGB image (`rgb` row-major, 3 bytes a pixel). */
export function encodeRgbPng(width: number, height: number, rgb: Uint8Array, level = 1): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`PNG size ${width}x${height} is not a positive whole size`);
  }
  const row = width * 3;
  if (rgb.length !== row * height) {
    throw new Error(`PNG pixels: ${rgb.length} bytes, expected ${row * height} for ${width}x${height} RGB`);
  }
  const raw = new Uint8Array((row + 1) * height); // each row: filter byte 0, then the pixels
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * row, (y + 1) * row), y * (row + 1) + 1);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, filter method 0, no interlace
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
