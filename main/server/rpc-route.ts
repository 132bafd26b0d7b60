// POST /api/<method>: the body is the JSON array of the method's arguments (binary values as
// {"$bytes": base64}); the answer is the RpcResponse envelope with a matching HTTP status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dispatchChannel } from '../host/dispatch.ts';
import type { HostCore } from '../host/host-core.ts';
import { HOST_CHANNELS } from '../host/shared/channels.ts';
import { httpStatusOf } from '../host/shared/errors.ts';
import { decodeWire, encodeWire, type RpcResponse } from '../host/shared/wire.ts';
import { jsonTextTooDeepAt, MAX_JSON_DEPTH } from '../util/json-depth.ts';
import { BodyTooLargeError, readBody, sendJsonText } from './http-util.ts';

/** A graph and its arguments: graphs are a few hundred kilobytes, the CLI's file limit is 16 MiB. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Calls that carry a file (base64 grows it by 4/3): the 64 MiB upload limit plus room. */
export const MAX_FILE_BODY_BYTES = 90 * 1024 * 1024;
const FILE_METHODS = new Set(['uploadInput', 'graphFromPng']);

export async function handleRpc(
  req: IncomingMessage,
  res: ServerResponse,
  core: HostCore,
  method: string,
): Promise<void> {
  if (req.method !== 'POST') return reply(res, failure('bad-request', `use POST for /api/${method}`), 405);
  // JSON content type: a cross-site form cannot send it without a CORS preflight we never grant.
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    return reply(res, failure('bad-request', 'expected Content-Type: application/json'), 415);
  }
  let args: unknown;
  try {
    const limit = FILE_METHODS.has(method) ? MAX_FILE_BODY_BYTES : MAX_BODY_BYTES;
    const body = await readBody(req, limit);
    args = body.length === 0 ? [] : decodeBoundedJson(body.toString('utf8'), method);
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
