// A minimal synchronous PNG encoder for 8-bit RGB pixels (filter 0 on every row, zlib deflate).
// Used where sharp's per-call setup and thread-pool hop cost more than the image itself: the
// small sampler previews sent every few steps.
import { deflateSync } from 'node:zlib';
import { pngChunk as chunk, PNG_SIGNATURE } from './png-chunk.ts';

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
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
