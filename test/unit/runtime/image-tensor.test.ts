// Pixel layout conversion between VAE tensors [B, 3, H, W] in −1..1 and IMAGE [B, H, W, 3] in 0..1.
import { describe, expect, it } from 'vitest';
import { imageToVaePixels, vaePixelsToImage } from '../../../main/runtime/image-tensor.ts';

describe('vaePixelsToImage', () => {
  it('moves channel planes to interleaved RGB per item, mapping −1..1 to 0..1 and clamping', async () => {
    const [batch, height, width] = [2, 2, 3];
    const data = Float32Array.from({ length: batch * 3 * height * width }, (_, i) => (i % 7) / 2 - 1.25);
    const image = await vaePixelsToImage(data, [batch, 3, height, width]);
    expect(image.shape).toEqual([batch, height, width, 3]);
    for (let b = 0; b < batch; b++)
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++)
          for (let c = 0; c < 3; c++) {
            const source = data[((b * 3 + c) * height + y) * width + x];
            const expected = Math.fround(Math.min(1, Math.max(0, (source + 1) / 2)));
            expect(image.data[((b * height + y) * width + x) * 3 + c]).toBe(expected);
          }
    // inputs run from −1.25 to 1.75, so both clamps act
    expect([Math.min(...image.data), Math.max(...image.data)]).toEqual([0, 1]);
  });

  it('round-trips with imageToVaePixels for values inside the range', async () => {
    const data = Float32Array.from({ length: 3 * 4 * 4 }, (_, i) => (i / 47) * 2 - 1);
    const back = await imageToVaePixels(await vaePixelsToImage(data, [1, 3, 4, 4]));
    for (let i = 0; i < data.length; i++) expect(back[i]).toBeCloseTo(data[i], 6);
  });

  it('converts a big batch in groups of items and stops between them once cancelled', async () => {
    const [batch, height, width] = [3, 512, 512]; // 786,432 values an item: one item a group
    const data = Float32Array.from({ length: batch * 3 * height * width }, (_, i) => ((i % 11) - 5) / 4);
    const whole = await vaePixelsToImage(data, [batch, 3, height, width]);
    for (const b of [0, batch - 1]) {
      const alone = await vaePixelsToImage(
        data.subarray(b * 3 * height * width, (b + 1) * 3 * height * width),
        [1, 3, height, width],
      );
      const part = whole.data.subarray(b * height * width * 3, (b + 1) * height * width * 3);
      const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      expect(bytes(part).equals(bytes(alone.data))).toBe(true);
    }
    const controller = new AbortController();
    setImmediate(() => controller.abort()); // runs in the turn after the first group
    await expect(vaePixelsToImage(data, [batch, 3, height, width], controller.signal)).rejects.toMatchObject({
      name: 'AbortError',
    });
    await expect(imageToVaePixels(whole, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
  });
});
