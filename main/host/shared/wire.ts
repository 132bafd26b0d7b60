// JSON with binary: Uint8Array values travel as {"$bytes": "<base64>"} so uploads and PNGs can
// cross HTTP and WebSocket as plain JSON. Browser-safe (btoa/atob exist in browsers and Node 20).
import type { HostErrorCode } from './errors.ts';

/** The envelope every RPC answer travels in (HTTP body, IPC return value). */
export type RpcResponse<T = unknown> =
  | { ok: true; result: T }
  | { ok: false; error: { code: HostErrorCode; message: string } };

export function encodeWire(value: unknown): string {
  // `this[key]` is the value before toJSON (Buffer.toJSON would otherwise hide the bytes).
  return JSON.stringify(value, function replacer(this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Uint8Array ? { $bytes: bytesToBase64(raw) } : value;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (isBytesTag(value)) return base64ToBytes(value.$bytes);
    return value;
  });
}

function isBytesTag(value: unknown): value is { $bytes: string } {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  return (
    keys.length === 1 && keys[0] === '$bytes' && typeof (value as { $bytes: unknown }).$bytes === 'string'
  );
}

const CHUNK = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let start = 0; start < bytes.length; start += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(start, start + CHUNK));
  }
  return btoa(binary);
}

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
