// GET /files/<area>/<relative path> and GET /files?path=<absolute path>: images from the input and
// output folders, confined by the host core (traversal and links out of the folders refused).
// Only raster images, with a CSP that runs nothing: the files share the editor's origin.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostCore } from '../host/host-core.ts';
import { HostError } from '../host/shared/errors.ts';
import { servedPathFromUrl } from '../host/shared/file-url.ts';
import { sendText } from './http-util.ts';
import { notAnImageMessage, servedFileHeaders, servedImageType } from './served-files.ts';

export async function handleFile(
  req: IncomingMessage,
  res: ServerResponse,
  core: HostCore,
  url: URL,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'use GET');
  const requested = servedPathFromUrl(url);
  if (requested === null)
    return sendText(res, 400, 'expected /files/<input|output>/<path> or /files?path=<absolute>');
  let path: string;
  try {
    path = await core.resolveServedFile(requested);
    const info = await stat(path);
    if (!info.isFile()) throw new HostError('not-found', `"${requested}" is not a file`);
    const type = servedImageType(path);
    if (type === null) return sendText(res, 403, notAnImageMessage(requested));
    res.writeHead(200, { ...servedFileHeaders(type), 'content-length': info.size });
  } catch (error) {
    if (error instanceof HostError) return sendText(res, error.httpStatus, error.message);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return sendText(res, 404, `"${requested}" does not exist`);
    throw error;
  }
  if (req.method === 'HEAD') return void res.end();
  createReadStream(path)
    .on('error', () => res.destroy())
    .pipe(res);
}
