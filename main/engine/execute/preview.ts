// Sampler previews travel with progress events as small PNG data URLs. They are encoded in
// process (a 64-pixel preview takes well under a millisecond), not through sharp, whose per-call
// setup and thread-pool hop cost more than the image and competed with the sampler every step.
import type { PreviewImage } from '../../../nodes/api.ts';
import { encodeRgbPng } from '../../util/png-encode.ts';
import type { PreviewEventImage } from '../events.ts';

export async function previewToDataUrl(preview: PreviewImage): Promise<PreviewEventImage> {
  const { width, height, rgb } = preview;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`preview size ${width}x${height} is not a positive whole size`);
  }
  if (rgb.length !== width * height * 3) {
    throw new Error(
      `preview has ${rgb.length} bytes, expected ${width * height * 3} for ${width}x${height} RGB`,
    );
  }
  const png = encodeRgbPng(width, height, rgb);
  return { width, height, dataUrl: `data:image/png;base64,${png.toString('base64')}` };
}
