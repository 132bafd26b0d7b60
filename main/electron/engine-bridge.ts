// The engine in an Electron utilityProcess, over the same protocol as the worker thread: the main
// process's EngineBridgeClient (a RemoteEngine) and the utility process's serveEngine (wrapping the
// real EngineClient). Ports are abstract so the pair is tested in memory.
import { EngineChannel } from '../engine/transport/channel.ts';
import type { EngineCallName, EngineLike } from '../engine/transport/engine-calls.ts';
import type { FromEngine, ToEngine } from '../engine/transport/protocol.ts';
import { RemoteEngine } from '../engine/transport/remote-engine.ts';
import { type EnginePort, engineCallsOf, serveEngineCalls } from '../engine/transport/serve.ts';

export type { FromEngine, ToEngine };

/** The main process's view of the utility process. */
export interface ChildPort {
  postMessage(message: ToEngine): void;
  onMessage(listener: (message: FromEngine) => void): void;
  onExit(listener: (code: number) => void): void;
  kill(): void;
}

/** The utility process's view of its parent. */
export type ParentPort = EnginePort;

const CLOSE_TIMEOUT_MS = 5000;

function withTimeout(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class EngineBridgeClient extends RemoteEngine implements EngineLike {
  private readonly channel: EngineChannel;
  private exited = false;
  private readonly exitedPromise: Promise<void>;

  constructor(
    private readonly port: ChildPort,
    private readonly closeTimeoutMs = CLOSE_TIMEOUT_MS,
  ) {
    super();
    this.channel = new EngineChannel(
      (message) => port.postMessage(message),
      (event) => this.deliver(event),
    );
    port.onMessage((message) => this.channel.receive(message));
    this.exitedPromise = new Promise((resolve) => {
      port.onExit((code) => {
        this.exited = true;
        this.channel.fail(`the engine process exited (code ${code})`);
        resolve();
      });
    });
  }

  /** Resolves when the utility process has started its engine. */
  get ready(): Promise<void> {
    return this.channel.ready;
  }

  protected callEngine(method: EngineCallName, args: unknown[]): Promise<unknown> {
    return this.channel.call(method, args);
  }

  /** Ask the engine to close (the process then exits by itself); kill it if it does not. */
  async close(): Promise<void> {
    if (this.exited) return;
    await withTimeout(this.channel.close(), this.closeTimeoutMs);
    await withTimeout(this.exitedPromise, this.closeTimeoutMs);
    if (!this.exited) this.port.kill();
  }
}

/** Utility-process side: answer the method table with the real engine; `onClosed` after close. */
export function serveEngine(engine: EngineLike, port: ParentPort, onClosed: () => void = () => {}): void {
  const calls = engineCallsOf(engine, (event) => port.postMessage({ kind: 'event', event }));
  serveEngineCalls(calls, port, async () => {
    await engine.close();
    queueMicrotask(onClosed);
  });
  port.postMessage({ kind: 'ready' });
}
