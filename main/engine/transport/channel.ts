// The client end of the engine protocol over any port: calls wait for `ready`, replies are matched
// by id, events are handed on, and once the far side dies every pending and later call fails with
// the reason.
import type { EngineEvent } from '../events.ts';
import type { EngineCallName } from './engine-calls.ts';
import type { FromEngine, ToEngine } from './protocol.ts';

/** The engine on the far side is gone (exited, crashed, closed): no answer will come. */
export class EngineGoneError extends Error {
  override name = 'EngineGoneError';
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class EngineChannel {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private deathReason: string | null = null;
  private markReady: () => void = () => {};
  private failReady: (error: Error) => void = () => {};
  private markClosed: () => void = () => {};
  /** Resolves when the engine has started; rejects if it could not. */
  readonly ready: Promise<void>;
  /** Resolves when the engine confirmed `close`, or died. */
  readonly closed: Promise<void>;

  constructor(
    private readonly send: (message: ToEngine) => void,
    private readonly onEvent: (event: EngineEvent) => void,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    this.ready.catch(() => {});
    this.closed = new Promise((resolve) => {
      this.markClosed = resolve;
    });
  }

  get alive(): boolean {
    return this.deathReason === null;
  }

  async call(method: EngineCallName, args: unknown[]): Promise<unknown> {
    await this.ready;
    if (this.deathReason !== null) throw new EngineGoneError(this.deathReason);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ kind: 'call', id, method, args });
    });
  }

  /** Asks the engine to close; resolves when it confirmed or died. */
  close(): Promise<void> {
    if (this.deathReason === null) this.send({ kind: 'close' });
    return this.closed;
  }

  receive(message: FromEngine): void {
    switch (message.kind) {
      case 'ready':
        this.markReady();
        return;
      case 'startup-failed':
        this.fail(`The engine could not start: ${message.error}`);
        return;
      case 'event':
        this.onEvent(message.event);
        return;
      case 'closed':
        this.markClosed();
        return;
      case 'reply': {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.ok) pending?.resolve(message.result);
        else pending?.reject(new Error(message.message));
      }
    }
  }

  /** The far side is gone: the first reason given is the one every call fails with. */
  fail(reason: string): void {
    if (this.deathReason !== null) return;
    this.deathReason = reason;
    const error = new EngineGoneError(reason);
    this.failReady(error);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.markClosed();
  }
}
