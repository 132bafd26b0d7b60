// POST /api/<method>: the body is the JSON array of the method's arguments (binary values as
// {"$bytes": base64}); the answer is the RpcResponse envelope with a matching HTTP status.
// Calls that carry a file (uploadInput, graphFromPng) send its bytes as the raw body instead
// (Content-Type: application/octet-stream, other arguments in the query): no base64, no JSON parse
// of megabytes on the main thread, and the JSON limit stays at what a graph needs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dispatchChannel } from '../host/dispatch.ts';
import { type HostCore, MAX_UPLOAD_BYTES } from '../host/host-core.ts';
import { HOST_CHANNELS } from '../host/shared/channels.ts';
import { httpStatusOf } from '../host/shared/errors.ts';
import { decodeWire, encodeWire, type RpcResponse } from '../host/shared/wire.ts';
import { jsonTextTooDeepAt, MAX_JSON_DEPTH } from '../util/json-depth.ts';
import { BodyTooLargeError, readBody, sendJsonText } from './http-util.ts';

/** A graph and its arguments: graphs are a few hundred kilobytes, the CLI's file limit is 16 MiB. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** A raw file body: the upload limit itself (nothing grows it). */
export const MAX_FILE_BODY_BYTES = MAX_UPLOAD_BYTES;

/** Calls whose file travels as the raw body: the method's arguments from the bytes and the query. */
const FILE_CALLS: Record<string, (bytes: Uint8Array, url: URL) => unknown[]> = {
  uploadInput: (bytes, url) => [url.searchParams.get('name') ?? '', bytes],
  graphFromPng: (bytes) => [bytes],
};

export async function handleRpc(
  req: IncomingMessage,
  res: ServerResponse,
  core: HostCore,
  url: URL,
): Promise<void> {
  const method = url.pathname.slice('/api/'.length);
  if (req.method !== 'POST') return reply(res, failure('bad-request', `use POST for /api/${method}`), 405);
  // Neither content type is one a cross-site form may send without a CORS preflight we never grant.
  const type = req.headers['content-type'] ?? '';
  const fileCall = Object.hasOwn(FILE_CALLS, method) ? FILE_CALLS[method] : undefined;
  let args: unknown;
  try {
    if (fileCall && type.startsWith('application/octet-stream')) {
      args = fileCall(await readBody(req, MAX_FILE_BODY_BYTES), url);
    } else if (type.startsWith('application/json')) {
      const body = await readBody(req, MAX_BODY_BYTES);
      args = body.length === 0 ? [] : decodeBoundedJson(body.toString('utf8'), method);
    } else {
      const expected = fileCall
        ? 'application/octet-stream (the file) or application/json'
        : 'application/json';
      return reply(res, failure('bad-request', `expected Content-Type: ${expected}`), 415);
    }
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      res.setHeader('connection', 'close');
      return reply(res, failure('bad-request', `${method}: ${error.message}`), 413);
    }
    if (error instanceof BodyTooDeepError) return reply(res, failure('bad-request', error.message));
    return reply(res, failure('bad-request', `${method}: the body is not valid JSON`));
  }
  reply(res, await dispatchChannel(HOST_CHANNELS, core, method, args));
}

class BodyTooDeepError extends Error {}

/** A linear pre-scan refuses deep nesting before JSON.parse and the wire decoder walk it. */
function decodeBoundedJson(text: string, method: string): unknown {
  const at = jsonTextTooDeepAt(text);
  if (at >= 0) {
    throw new BodyTooDeepError(
      `${method}: the body nests deeper than ${MAX_JSON_DEPTH} levels (at byte ${at})`,
    );
  }
  return decodeWire(text);
}

function failure(code: 'bad-request', message: string): RpcResponse {
  return { ok: false, error: { code, message } };
}

function reply(res: ServerResponse, response: RpcResponse, status?: number): void {
  sendJsonText(res, status ?? (response.ok ? 200 : httpStatusOf(response.error.code)), encodeWire(response));
}
