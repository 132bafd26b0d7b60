// HostApi for the editor in a browser: JSON RPC over fetch (files as raw bodies) and host events over a reconnecting
// WebSocket, talking to `diffgraph serve`. The methods come from the channel map; only the event
// subscription, fileUrl and the connection state are written here. Browser-safe (no node imports).
import { remoteMethods } from '../../rpc/remote-methods.ts';
import type { HostApi, HostEvent } from './api.ts';
import { HOST_CHANNEL_NAMES, type HostChannel } from './channels.ts';
import type { HostErrorCode } from './errors.ts';
import { fileUrlFor } from './file-url.ts';
import { ReconnectingSocket, type SocketFactory } from './reconnecting-socket.ts';
import { decodeWire, encodeWire, type RpcResponse } from './wire.ts';

export interface HttpHostOptions {
  /** The server's base URL, e.g. http://127.0.0.1:8188/ (default: the page's origin). */
  baseUrl?: string;
  /** Access token for a server bound beyond loopback (sent as Authorization: Bearer). */
  token?: string;
  fetch?: typeof fetch;
  /** Opens the event socket (default: the browser's WebSocket). */
  createSocket?: SocketFactory;
}

export interface HttpHostApi extends HostApi {
  /** Connection state of the event socket, for a "reconnecting..." banner. */
  onConnectionChange(listener: (connected: boolean) => void): () => void;
  close(): void;
}

/** An error answered by the host, with its code ('forbidden', 'not-found'...). */
export class HostCallError extends Error {
  constructor(
    readonly code: HostErrorCode | 'network',
    message: string,
  ) {
    super(message);
    this.name = 'HostCallError';
  }
}

export function createHttpHostApi(options: HttpHostOptions = {}): HttpHostApi {
  const base = options.baseUrl ?? `${globalThis.location.origin}/`;
  const root = base.endsWith('/') ? base : `${base}/`;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const listeners = new Set<(event: HostEvent) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();

  async function call(name: HostChannel, args: unknown[]): Promise<unknown> {
    // JSON turns a trailing `undefined` into null, which the schema would refuse: drop them.
    const sent: unknown[] = [...args];
    while (sent.length > 0 && sent[sent.length - 1] === undefined) sent.pop();
    return post(new URL(`api/${name}`, root), name, 'application/json', encodeWire(sent));
  }

  /** A call that carries a file: its bytes are the raw body, the other arguments in the query. */
  function callWithFile(name: HostChannel, bytes: Uint8Array, query: Record<string, string> = {}) {
    const url = new URL(`api/${name}`, root);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return post(url, name, 'application/octet-stream', bytes as Uint8Array<ArrayBuffer>);
  }

  async function post(url: URL, name: string, type: string, body: BodyInit): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: {
          'content-type': type,
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        body,
      });
    } catch (error) {
      throw new HostCallError(
        'network',
        `cannot reach the Diffgraph server at ${root}: ${(error as Error).message}`,
      );
    }
    const text = await response.text();
    let envelope: RpcResponse;
    try {
      envelope = decodeWire(text) as RpcResponse;
    } catch {
      throw new HostCallError(
        'internal',
        `${name}: the server answered ${response.status} ${text.slice(0, 200)}`,
      );
    }
    if (!envelope.ok) throw new HostCallError(envelope.error.code, envelope.error.message);
    return envelope.result;
  }

  const socketUrl = new URL('api/events', root);
  socketUrl.protocol = socketUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  if (options.token) socketUrl.searchParams.set('token', options.token);
  const socket = new ReconnectingSocket({
    url: socketUrl.toString(),
    create: options.createSocket ?? ((url) => new WebSocket(url) as unknown as ReturnType<SocketFactory>),
    onMessage: (text) => {
      const event = decodeWire(text) as HostEvent;
      for (const listener of [...listeners]) listener(event);
    },
    onConnection: (connected) => {
      for (const listener of [...connectionListeners]) listener(connected);
    },
  });

  return {
    ...remoteMethods<HostApi, HostChannel>(HOST_CHANNEL_NAMES, (name, args) => call(name, args)),
    uploadInput: (name, bytes) => callWithFile('uploadInput', bytes, { name }) as Promise<string>,
    graphFromPng: (bytes) => callWithFile('graphFromPng', bytes),
    onEvent(listener) {
      listeners.add(listener);
      socket.start();
      return () => {
        listeners.delete(listener);
      };
    },
    fileUrl: (path) => fileUrlFor(root, path, options.token),
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => {
        connectionListeners.delete(listener);
      };
    },
    close: () => socket.stop(),
  };
}
