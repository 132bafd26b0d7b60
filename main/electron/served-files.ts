// What the app protocol's /files route may answer with. These files live on the origin the IPC
// check trusts, so a file that a browser would run (HTML, SVG with script, JavaScript) must never
// be served as such: only raster images, each with a CSP that forbids scripts and loads nothing.

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
};

/** A document that can show itself as an image and do nothing else. */
export const SERVED_FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

/** The image content type for `path`, or null for anything that is not a raster image. */
export function servedImageType(path: string): string | null {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? null : (IMAGE_TYPES[path.slice(dot).toLowerCase()] ?? null);
}
