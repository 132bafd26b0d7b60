// WebSocket /api/events: pushes every host event as JSON. A new connection first gets the current
// queue, so a reconnecting editor is in step. Progress events are dropped for a client that cannot
// keep up (its buffer is full) rather than buffering previews without bound; other events always go.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { HostCore } from '../host/host-core.ts';
import type { HostEvent } from '../host/shared/api.ts';
import { encodeWire } from '../host/shared/wire.ts';

const SLOW_CLIENT_BYTES = 8 * 1024 * 1024;
const PING_MS = 30_000;

export class EventsSocket {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly alive = new WeakSet<WebSocket>();
  private readonly pinger: NodeJS.Timeout;

  constructor(private readonly core: HostCore) {
    this.wss.on('connection', (socket) => this.attach(socket));
    // Drop connections that stopped answering pings (a laptop that went to sleep).
    this.pinger = setInterval(() => {
      for (const socket of this.wss.clients) {
        if (!this.alive.has(socket)) socket.terminate();
        else {
          this.alive.delete(socket);
          socket.ping();
        }
      }
    }, PING_MS);
    this.pinger.unref();
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  private attach(socket: WebSocket): void {
    this.alive.add(socket);
    socket.on('pong', () => this.alive.add(socket));
    const send = (event: HostEvent) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (event.type === 'node-progress' && socket.bufferedAmount > SLOW_CLIENT_BYTES) return;
      socket.send(encodeWire(event));
    };
    const unsubscribe = this.core.onEvent(send);
    socket.on('close', unsubscribe);
    socket.on('error', unsubscribe);
    // The editor only listens; anything it sends is ignored.
    void this.core.queueState().then((queue) => send({ type: 'queue', queue }));
  }

  async close(): Promise<void> {
    clearInterval(this.pinger);
    for (const socket of this.wss.clients) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
