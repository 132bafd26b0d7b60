// The in-process PNG encoder behind sampler previews, checked by decoding with sharp (libspng).
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeRgbPng } from '../../../main/util/png-encode.ts';

describe('encodeRgbPng', () => {
  it('writes PNGs that an independent decoder reads back pixel for pixel', async () => {
    for (const [width, height] of [
      [1, 1],
      [3, 2],
      [64, 48],
    ]) {
      const rgb = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 37 + (i >> 5)) & 255);
      const png = encodeRgbPng(width, height, rgb);
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height, info.channels]).toEqual([width, height, 3]);
      expect(new Uint8Array(data)).toEqual(rgb);
    }
  });

  it('refuses sizes and pixel counts that do not match', () => {
    expect(() => encodeRgbPng(0, 2, new Uint8Array(0))).toThrow(/0x2/);
    expect(() => encodeRgbPng(2, 2, new Uint8Array(11))).toThrow(/11 bytes, expected 12/);
  });
});
