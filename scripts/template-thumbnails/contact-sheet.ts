// A template's thumbnail: its first images, side by side in a small grid (one image fills it).
import sharp from 'sharp';

/** Thumbnail edge in pixels: small enough that all templates travel as data URLs in one answer. */
export const THUMBNAIL_SIZE = 128;
const MAX_TILES = 4;

export async function contactSheet(imagePaths: string[]): Promise<Buffer> {
  const shown = imagePaths.slice(0, MAX_TILES);
  const columns = shown.length === 1 ? 1 : 2;
  const rows = Math.ceil(shown.length / columns);
  const tile = Math.floor(THUMBNAIL_SIZE / columns);
  const tiles = await Promise.all(
    shown.map(async (path, i) => ({
      input: await sharp(path).resize(tile, tile, { fit: 'cover', kernel: 'lanczos3' }).png().toBuffer(),
      left: (i % columns) * tile,
      top: Math.floor(i / columns) * tile,
    })),
  );
  return sharp({
    create: { width: columns * tile, height: rows * tile, channels: 3, background: { r: 24, g: 24, b: 28 } },
  })
    .composite(tiles)
    .png({ compressionLevel: 9 })
    .toBuffer();
}
