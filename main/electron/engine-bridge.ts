// The engine in an Electron utilityProcess: a small message protocol between the main process
// (EngineBridgeClient, an EngineLike) and the utility process (serveEngine, wrapping the real
// EngineClient). Ports are abstract so the protocol is tested with an in-memory pair.
import type { EngineEvent } from '../engine/events.ts';
import type { EngineLike } from '../host/engine-like.ts';

type CallMethod =
  | 'catalogue'
  | 'validate'
  | 'run'
  | 'listModels'
  | 'loadedModels'
  | 'unloadModels'
  | 'devices'
  | 'modelRefs'
  | 'close';
const CALL_METHODS: readonly CallMethod[] = [
  'catalogue',
  'validate',
  'run',
  'listModels',
  'loadedModels',
  'unloadModels',
  'devices',
  'modelRefs',
  'close',
];

export type ToEngine =
  | { kind: 'call'; id: number; method: CallMethod; args: unknown[] }
  | { kind: 'cancel'; runId?: string };
export type FromEngine =
  /** Sent once the engine has started; calls wait for it. */
  | { kind: 'ready' }
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; message: string }
  | { kind: 'event'; id: number; event: EngineEvent };

/** The main process's view of the utility process. */
export interface ChildPort {
  postMessage(message: ToEngine): void;
  onMessage(listener: (message: FromEngine) => void): void;
  onExit(listener: (code: number) => void): void;
  kill(): void;
}

/** The utility process's view of its parent. */
export interface ParentPort {
  postMessage(message: FromEngine): void;
  onMessage(listener: (message: ToEngine) => void): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onEvent?: (event: EngineEvent) => void;
}

const CLOSE_TIMEOUT_MS = 5000;

function withTimeout(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class EngineBridgeClient implements EngineLike {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited: string | null = null;
  private readonly exitedPromise: Promise<void>;
  private markReady: () => void = () => {};
  private failReady: (error: Error) => void = () => {};
  /** Resolves when the utility process has started its engine. */
  readonly ready: Promise<void>;

  constructor(
    private readonly port: ChildPort,
    private readonly closeTimeoutMs = CLOSE_TIMEOUT_MS,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    this.ready.catch(() => {});
    port.onMessage((message) => this.receive(message));
    this.exitedPromise = new Promise((resolve) => {
      port.onExit(() => resolve());
    });
    port.onExit((code) => {
      this.exited = `the engine process exited (code ${code})`;
      this.failReady(new Error(this.exited));
      for (const call of this.pending.values()) call.reject(new Error(this.exited));
      this.pending.clear();
    });
  }

  catalogue = () => this.call('catalogue', []) as ReturnType<EngineLike['catalogue']>;
  validate = (doc: unknown) => this.call('validate', [doc]) as ReturnType<EngineLike['validate']>;
  run = (doc: unknown, onEvent?: (event: EngineEvent) => void, options: { runId?: string } = {}) =>
    this.call('run', [doc, options], onEvent) as ReturnType<EngineLike['run']>;
  listModels = () => this.call('listModels', []) as ReturnType<EngineLike['listModels']>;
  loadedModels = () =>
    this.call('loadedModels', []) as Promise<Awaited<ReturnType<EngineLike['loadedModels']>>>;
  unloadModels = () => this.call('unloadModels', []) as Promise<void>;
  devices = () => this.call('devices', []) as ReturnType<EngineLike['devices']>;
  modelRefs = (doc: unknown) => this.call('modelRefs', [doc]) as ReturnType<EngineLike['modelRefs']>;

  cancel(runId?: string): void {
    if (!this.exited) this.port.postMessage({ kind: 'cancel', runId });
  }

  /** Ask the engine to close (the process then exits by itself); kill it if it does not. */
  async close(): Promise<void> {
    if (this.exited) return;
    await withTimeout(
      this.call('close', []).catch(() => {}),
      this.closeTimeoutMs,
    );
    await withTimeout(this.exitedPromise, this.closeTimeoutMs);
    if (!this.exited) this.port.kill();
  }

  private async call(
    method: CallMethod,
    args: unknown[],
    onEvent?: (event: EngineEvent) => void,
  ): Promise<unknown> {
    await this.ready;
    if (this.exited) throw new Error(this.exited);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onEvent });
      this.port.postMessage({ kind: 'call', id, method, args });
    });
  }

  private receive(message: FromEngine): void {
    if (message.kind === 'ready') {
      this.markReady();
      return;
    }
    const call = this.pending.get(message.id);
    if (!call) return;
    if (message.kind === 'event') {
      call.onEvent?.(message.event);
      return;
    }
    this.pending.delete(message.id);
    if (message.ok) call.resolve(message.result);
    else call.reject(new Error(message.message));
  }
}

/** Utility-process side: answer calls with the real engine; run events flow back as they happen. */
export function serveEngine(engine: EngineLike, port: ParentPort, onClosed: () => void = () => {}): void {
  port.onMessage((message) => {
    if (message.kind === 'cancel') {
      engine.cancel(message.runId);
      return;
    }
    if (message.kind !== 'call' || !CALL_METHODS.includes(message.method)) return;
    const { id, method, args } = message;
    const onEvent = (event: EngineEvent) => port.postMessage({ kind: 'event', id, event });
    invoke(engine, method, args, onEvent).then(
      (result) => {
        port.postMessage({ kind: 'reply', id, ok: true, result: result ?? null });
        if (method === 'close') onClosed();
      },
      (error: unknown) =>
        port.postMessage({
          kind: 'reply',
          id,
          ok: false,
          message: error instanceof Error ? error.message : String(error),
        }),
    );
  });
  port.postMessage({ kind: 'ready' });
}

async function invoke(
  engine: EngineLike,
  method: CallMethod,
  args: unknown[],
  onEvent: (event: EngineEvent) => void,
): Promise<unknown> {
  switch (method) {
    case 'run':
      return engine.run(args[0], onEvent, (args[1] ?? {}) as { runId?: string });
    case 'validate':
      return engine.validate(args[0]);
    case 'modelRefs':
      return engine.modelRefs(args[0]);
    default:
      return engine[method]();
  }
}
