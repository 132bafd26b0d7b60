// What a /files route may answer with, in `diffgraph serve` and in the Electron app protocol. These
// files live on the editor's origin (the one the IPC check trusts in Electron), so a file that a
// browser would run (HTML, SVG with script, JavaScript) must never be served as such: only raster
// images, each with a CSP that forbids scripts and loads nothing.

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

/** The headers every served image carries. */
export function servedFileHeaders(type: string): Record<string, string> {
  return {
    'content-type': type,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
    'content-security-policy': SERVED_FILE_CSP,
  };
}

/** The 403 message for a file that is not a raster image. */
export function notAnImageMessage(requested: string): string {
  return `"${requested}" is not an image (only PNG, JPEG, WebP, GIF and BMP are served)`;
}
