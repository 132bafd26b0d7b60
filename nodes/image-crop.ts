// Centre-cropping IMAGE batches to sizes a VAE accepts (multiples of its downscale factor).
import type { ImageBatch } from './types.ts';

/** The same batch when already a multiple of `multiple`, else a centre crop of every image. */
export function centreCropToMultiple(image: ImageBatch, multiple: number): ImageBatch {
  const [batch, height, width] = image.shape;
  const h = height - (height % multiple);
  const w = width - (width % multiple);
  if (h === height && w === width) return image;
  const top = Math.floor((height - h) / 2);
  const left = Math.floor((width - w) / 2);
  const out = new Float32Array(batch * h * w * 3);
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < h; y++) {
      const src = ((b * height + top + y) * width + left) * 3;
      out.set(image.data.subarray(src, src + w * 3), (b * h + y) * w * 3);
    }
  }
  return { data: out, shape: [batch, h, w, 3] };
}
