// One call through the channel map, for either transport: validate the arguments with the
// channel's schema, call the implementation, and wrap the answer or the error in an envelope.
import type { z } from 'zod';
import { fsWireError } from './fs-wire-error.ts';
import { parseChannelArgs } from './shared/channels.ts';
import { HostError } from './shared/errors.ts';
import type { RpcResponse } from './shared/wire.ts';

export async function dispatchChannel(
  map: Record<string, z.ZodType>,
  target: object,
  channel: string,
  rawArgs: unknown,
): Promise<RpcResponse> {
  const parsed = parseChannelArgs(map, channel, rawArgs);
  if (!parsed.ok) {
    const code = Object.hasOwn(map, channel) ? 'bad-request' : 'not-found';
    return { ok: false, error: { code, message: parsed.message } };
  }
  const method = (target as Record<string, unknown>)[channel];
  if (typeof method !== 'function') {
    return { ok: false, error: { code: 'not-found', message: `method "${channel}" is not available here` } };
  }
  try {
    const result: unknown = await method.apply(target, parsed.args);
    return { ok: true, result: result === undefined ? null : result };
  } catch (error) {
    return { ok: false, error: toWireError(error) };
  }
}

export function toWireError(error: unknown): { code: HostError['code']; message: string } {
  if (error instanceof HostError) return { code: error.code, message: error.message };
  const fromFs = fsWireError(error);
  if (fromFs) return fromFs;
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message };
}
