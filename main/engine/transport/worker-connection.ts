// One live engine worker: request/response matching by id, the event stream, and what happens
// when the thread dies (every pending request fails with the reason).
import { Worker } from 'node:worker_threads';
import type { EngineEvent } from '../events.ts';
import type { EngineMethods, MethodName, WorkerConfig, WorkerMessage, WorkerRequest } from './protocol.ts';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class WorkerConnection {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private deathReason: string | null = null;
  readonly ready: Promise<void>;

  constructor(
    config: WorkerConfig,
    private readonly onEvent: (event: EngineEvent) => void,
    private readonly onDeath: (reason: string) => void,
  ) {
    // The worker inherits the parent's Node flags, except one that only applies to `-e` scripts.
    const execArgv = process.execArgv.filter((flag) => !flag.startsWith('--input-type'));
    this.worker = new Worker(ENTRY, { workerData: config, execArgv });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'ready') resolve();
        else if (message.kind === 'startup-failed')
          reject(new Error(`The engine worker could not start: ${message.error}`));
        else this.handle(message);
      });
      this.worker.on('error', (error) => this.die(`it threw ${error.stack ?? error.message}`, reject));
      this.worker.on('exit', (code) => this.die(`it exited with code ${code}`, reject));
    });
  }

  get alive(): boolean {
    return this.deathReason === null;
  }

  request<M extends MethodName>(
    method: M,
    params: EngineMethods[M]['params'],
  ): Promise<EngineMethods[M]['result']> {
    if (this.deathReason !== null) return Promise.reject(new Error(this.deathReason));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ kind: 'request', id, method, params } as WorkerRequest);
    });
  }

  async terminate(): Promise<void> {
    this.die('the engine client was closed', () => {});
    await this.worker.terminate();
  }

  private handle(message: WorkerMessage): void {
    if (message.kind === 'event') {
      this.onEvent(message.event);
      return;
    }
    if (message.kind !== 'response') return;
    const pending = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (message.ok) pending?.resolve(message.result);
    else pending?.reject(new Error(message.error));
  }

  private die(cause: string, rejectStart: (error: Error) => void): void {
    if (this.deathReason !== null) return;
    this.deathReason = cause.startsWith('the engine client')
      ? cause
      : `The engine worker stopped unexpectedly: ${cause}`;
    const error = new Error(this.deathReason);
    rejectStart(error);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.onDeath(this.deathReason);
  }
}
