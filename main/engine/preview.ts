// Sampler previews travel with progress events as small PNG data URLs.
import sharp from 'sharp';
import type { PreviewImage } from '../../nodes/api.ts';
import type { PreviewEventImage } from './events.ts';

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
  const png = await sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), {
    raw: { width, height, channels: 3 },
  })
    .png({ compressionLevel: 3 })
    .toBuffer();
  return { width, height, dataUrl: `data:image/png;base64,${png.toString('base64')}` };
}
