// One live engine worker thread: the engine protocol over its message port, and what happens when
// the thread dies (every pending call fails with the reason).
import { Worker } from 'node:worker_threads';
import type { EngineEvent } from '../events.ts';
import { EngineChannel } from './channel.ts';
import type { FromEngine, ToEngine, WorkerConfig } from './protocol.ts';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

export class WorkerConnection {
  private readonly worker: Worker;
  readonly channel: EngineChannel;

  constructor(config: WorkerConfig, onEvent: (event: EngineEvent) => void, onDeath: () => void) {
    // The worker inherits the parent's Node flags, except one that only applies to `-e` scripts.
    const execArgv = process.execArgv.filter((flag) => !flag.startsWith('--input-type'));
    this.worker = new Worker(ENTRY, { workerData: config, execArgv });
    this.channel = new EngineChannel((message: ToEngine) => this.worker.postMessage(message), onEvent);
    this.worker.on('message', (message: FromEngine) => this.channel.receive(message));
    const die = (cause: string) => {
      this.channel.fail(`The engine worker stopped unexpectedly: ${cause}`);
      onDeath();
    };
    this.worker.on('error', (error) => die(`it threw ${error.stack ?? error.message}`));
    this.worker.on('exit', (code) => die(`it exited with code ${code}`));
  }

  get ready(): Promise<void> {
    return this.channel.ready;
  }

  async terminate(): Promise<void> {
    this.channel.fail('The engine client is closed');
    await this.worker.terminate();
  }
}
