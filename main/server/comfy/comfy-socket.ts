// ComfyUI's WebSocket (/ws?clientId=...): JSON messages {type, data}. A new client first gets its
// sid and the queue status, as ComfyUI sends them; prompt messages go to the client that queued
// the prompt (or to every client when the prompt named none).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { ComfyState } from './comfy-state.ts';

const SLOW_CLIENT_BYTES = 8 * 1024 * 1024;

export class ComfySocket {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  constructor(private readonly state: ComfyState) {
    this.wss.on('connection', (socket, req: IncomingMessage) => this.attach(socket, req));
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  private attach(socket: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const clientId = url.searchParams.get('clientId') ?? crypto.randomUUID();
    const send = (message: unknown) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (Buffer.isBuffer(message)) {
        if (socket.bufferedAmount < SLOW_CLIENT_BYTES) socket.send(message); // previews may be dropped
      } else socket.send(JSON.stringify(message));
    };
    const unsubscribe = this.state.onMessage((message, target) => {
      if (target === undefined || target === clientId) send(message);
    });
    socket.on('close', unsubscribe);
    socket.on('error', unsubscribe);
    send({
      type: 'status',
      data: { status: { exec_info: { queue_remaining: this.state.queueRemaining() } }, sid: clientId },
    });
  }

  async close(): Promise<void> {
    for (const socket of this.wss.clients) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
