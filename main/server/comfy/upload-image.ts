// ComfyUI's POST /upload/image: multipart fields `image` (the file), optional `subfolder`, `type`
// and `overwrite`; answers {name, subfolder, type}. Files go to the input folder (the one LoadImage
// reads), confined to it; without overwrite a taken name gets " (n)" as ComfyUI does.
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { resolveInside } from '../../host/confine.ts';
import { type HostCore, MAX_UPLOAD_BYTES } from '../../host/host-core.ts';
import { sanitizeUploadName, saveUpload } from '../../host/input-files.ts';
import { HostError } from '../../host/shared/errors.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { BodyTooLargeError, readBody, sendJsonText } from '../http-util.ts';
import { MAX_FILE_BODY_BYTES } from '../rpc-route.ts';
import { MultipartError, type MultipartPart, parseMultipart } from './multipart.ts';

/** Subfolders stay shallow: the input listing looks 3 levels deep (two folders and the file). */
const MAX_SUBFOLDER_DEPTH = 2;
const SUBFOLDER_SEGMENT = /^[\p{L}\p{N}_-][\p{L}\p{N} ._-]{0,119}$/u;

const json = (res: ServerResponse, status: number, body: unknown) =>
  sendJsonText(res, status, JSON.stringify(body));

export async function uploadImage(req: IncomingMessage, res: ServerResponse, core: HostCore) {
  let parts: MultipartPart[];
  try {
    parts = parseMultipart(await readBody(req, MAX_FILE_BODY_BYTES), req.headers['content-type']);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      res.setHeader('connection', 'close');
      return json(res, 413, { error: `upload/image: ${error.message}` });
    }
    if (error instanceof MultipartError) return json(res, 400, { error: `upload/image: ${error.message}` });
    throw error;
  }
  try {
    return json(res, 200, await store(core, parts));
  } catch (error) {
    if (error instanceof HostError)
      return json(res, error.code === 'forbidden' ? 403 : 400, { error: error.message });
    throw error;
  }
}

async function store(core: HostCore, parts: MultipartPart[]) {
  const field = (name: string) =>
    parts.find((p) => p.name === name && p.filename === undefined)?.data.toString('utf8');
  const image = parts.find((p) => p.name === 'image' && p.filename !== undefined);
  if (!image) throw new HostError('bad-request', 'upload/image: expected a file field "image"');
  if (image.data.length > MAX_UPLOAD_BYTES)
    throw new HostError('bad-request', `upload/image: "${image.filename}" is over ${MAX_UPLOAD_BYTES} bytes`);
  const type = field('type') || 'input';
  if (type !== 'input')
    throw new HostError(
      'bad-request',
      `upload/image: type "${type}": Diffgraph stores uploads in the input folder only`,
    );
  const subfolder = checkSubfolder(field('subfolder') ?? '');
  const dir = subfolder
    ? await resolveInside(core.paths.input, subfolder, 'upload subfolder')
    : core.paths.input;
  await mkdir(dir, { recursive: true });
  let name: string;
  if (field('overwrite') === 'true' || field('overwrite') === '1') {
    name = sanitizeUploadName(image.filename as string);
    await writeFileAtomic(join(dir, name), image.data);
  } else {
    name = await saveUpload(dir, image.filename as string, image.data);
  }
  return { name, subfolder, type };
}

function checkSubfolder(subfolder: string): string {
  const segments = subfolder.replaceAll('\\', '/').split('/').filter(Boolean);
  if (
    segments.length > MAX_SUBFOLDER_DEPTH ||
    !segments.every((s) => SUBFOLDER_SEGMENT.test(s) && s !== '..')
  )
    throw new HostError(
      'forbidden',
      `upload/image: subfolder "${subfolder}" must be at most ${MAX_SUBFOLDER_DEPTH} plain folder names`,
    );
  return segments.join('/');
}
