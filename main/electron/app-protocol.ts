// Answers requests to the app's own scheme (diffgraph://app/...): the built editor from the
// renderer folder (index.html for app routes) and `/files/...` images from the input and output
// folders, confined by the host core. Plain fetch Response objects: Electron's protocol.handle
// takes this function as it is.
import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { resolveInside } from '../host/confine.ts';
import { HostError } from '../host/shared/errors.ts';
import { servedPathFromUrl } from '../host/shared/file-url.ts';
import { contentTypeOf } from '../server/http-util.ts';
import { notAnImageMessage, servedFileHeaders, servedImageType } from '../server/served-files.ts';
import { PAGE_CSP } from '../server/static-route.ts';
import { APP_HOST, APP_SCHEME } from './app-origin.ts';

export interface AppProtocolDeps {
  rendererDir: string;
  resolveServedFile(path: string): Promise<string>;
}

export async function handleAppRequest(requestUrl: string, deps: AppProtocolDeps): Promise<Response> {
  const url = new URL(requestUrl);
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return text(404, 'unknown host');
  if (url.pathname === '/files' || url.pathname.startsWith('/files/')) return serveFile(url, deps);
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname).replace(/^\/+/, '');
  } catch {
    return text(400, 'bad path');
  }
  const page = relative === '' || extname(relative) === '';
  const path = await existingFile(deps.rendererDir, page ? 'index.html' : relative);
  if (!path)
    return text(
      404,
      page ? 'The editor is not built: run `npm run build:renderer`.' : `not found: /${relative}`,
    );
  const headers: Record<string, string> = {
    'content-type': contentTypeOf(path),
    'x-content-type-options': 'nosniff',
  };
  if (path === join(deps.rendererDir, 'index.html')) headers['content-security-policy'] = PAGE_CSP;
  return new Response(await readFile(path), { status: 200, headers });
}

async function serveFile(url: URL, deps: AppProtocolDeps): Promise<Response> {
  const requested = servedPathFromUrl(url);
  if (requested === null) return text(400, 'bad file path');
  try {
    const path = await deps.resolveServedFile(requested);
    const type = servedImageType(path);
    if (type === null) return text(403, notAnImageMessage(requested));
    return new Response(await readFile(path), { status: 200, headers: servedFileHeaders(type) });
  } catch (error) {
    if (error instanceof HostError) return text(error.httpStatus, error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return text(404, `"${requested}" does not exist`);
    throw error;
  }
}

async function existingFile(root: string, relative: string): Promise<string | null> {
  try {
    const path = await resolveInside(root, relative);
    return (await stat(path)).isFile() ? path : null;
  } catch {
    return null;
  }
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}
