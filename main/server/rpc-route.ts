// POST /api/<method>: the body is the JSON array of the method's arguments (binary values as
// {"$bytes": base64}); the answer is the RpcResponse envelope with a matching HTTP status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dispatchChannel } from '../host/dispatch.ts';
import type { HostCore } from '../host/host-core.ts';
import { HOST_CHANNELS } from '../host/shared/channels.ts';
import { httpStatusOf } from '../host/shared/errors.ts';
import { decodeWire, encodeWire, type RpcResponse } from '../host/shared/wire.ts';
import { BodyTooLargeError, readBody, sendJsonText } from './http-util.ts';

const MAX_BODY_BYTES = 128 * 1024 * 1024;

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
    const body = await readBody(req, MAX_BODY_BYTES);
    args = body.length === 0 ? [] : decodeWire(body.toString('utf8'));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return reply(res, failure('bad-request', error.message), 413);
    return reply(res, failure('bad-request', `${method}: the body is not valid JSON`));
  }
  reply(res, await dispatchChannel(HOST_CHANNELS, core, method, args));
}

function failure(code: 'bad-request', message: string): RpcResponse {
  return { ok: false, error: { code, message } };
}

function reply(res: ServerResponse, response: RpcResponse, status?: number): void {
  sendJsonText(res, status ?? (response.ok ? 200 : httpStatusOf(response.error.code)), encodeWire(response));
}
