// Serves the built editor (vite build output). Unknown paths without a file extension get
// index.html so the single-page app can route; files are confined to the build folder.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { resolveInside } from '../host/confine.ts';
import { contentTypeOf, sendText } from './http-util.ts';

const NOT_BUILT = 'The editor is not built yet: run `npm run build:renderer`, then reload.';

// The page may only load its own scripts and talk to its own server; images also come as data URLs
// (previews) and blobs (dropped files). React Flow sets inline styles, hence 'unsafe-inline' there.
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export async function handleStatic(
  res: ServerResponse,
  staticDir: string,
  url: URL,
  head: boolean,
  extraHeaders: Record<string, string>,
): Promise<void> {
  const relative = decodePath(url.pathname);
  if (relative === null) return sendText(res, 400, 'bad path');
  const wantsPage = relative === '' || extname(relative) === '';
  const path = await findFile(staticDir, wantsPage ? 'index.html' : relative, relative);
  if (path === null) return sendText(res, 404, wantsPage ? NOT_BUILT : `not found: /${relative}`);
  const info = await stat(path);
  const isPage = path.endsWith('index.html');
  res.writeHead(200, {
    ...extraHeaders,
    'content-type': contentTypeOf(path),
    'content-length': info.size,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // Hashed assets never change; the page itself is always revalidated.
    'cache-control':
      isPage || !relative.startsWith('assets/') ? 'no-cache' : 'public, max-age=31536000, immutable',
    ...(isPage ? { 'content-security-policy': PAGE_CSP } : {}),
  });
  if (head) return void res.end();
  createReadStream(path)
    .on('error', () => res.destroy())
    .pipe(res);
}

async function findFile(staticDir: string, relative: string, shown: string): Promise<string | null> {
  try {
    const path = await resolveInside(staticDir, relative, `/${shown}`);
    return (await stat(path)).isFile() ? path : null;
  } catch {
    return null;
  }
}

function decodePath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname).replace(/^\/+/, '');
  } catch {
    return null;
  }
}
