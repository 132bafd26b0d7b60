// A WebSocket that reconnects with backoff while anyone listens. Browser-safe; the WebSocket
// constructor is injectable so tests can use `ws` in Node.

export interface SocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  close(): void;
}
export type SocketFactory = (url: string) => SocketLike;

export interface ReconnectingSocketOptions {
  url: string;
  create: SocketFactory;
  onMessage: (text: string) => void;
  onConnection?: (connected: boolean) => void;
  minDelayMs?: number;
  maxDelayMs?: number;
}

export class ReconnectingSocket {
  private socket: SocketLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private delay: number;
  private stopped = true;

  constructor(private readonly options: ReconnectingSocketOptions) {
    this.delay = options.minDelayMs ?? 250;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }

  private connect(): void {
    const socket = this.options.create(this.options.url);
    this.socket = socket;
    socket.onopen = () => {
      this.delay = this.options.minDelayMs ?? 250;
      this.options.onConnection?.(true);
    };
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') this.options.onMessage(event.data);
    };
    socket.onerror = () => {
      // A close event always follows; reconnecting happens there.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.options.onConnection?.(false);
      if (!this.stopped) this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.connect();
    }, this.delay);
    this.delay = Math.min(this.delay * 2, this.options.maxDelayMs ?? 5000);
  }
}
