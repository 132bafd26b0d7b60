// EngineClient: the engine behind a worker thread, for the CLI, the server and Electron alike.
// The calls come from the engine's method table (RemoteEngine); runs are serialised by the engine
// inside the worker. A worker that dies fails the run in progress with a clear message and is
// replaced on the next call.
import type { EngineEvent } from '../events.ts';
import type { EngineCallName } from './engine-calls.ts';
import type { WorkerConfig } from './protocol.ts';
import { RemoteEngine } from './remote-engine.ts';
import { WorkerConnection } from './worker-connection.ts';

export type EngineClientOptions = WorkerConfig;

export class EngineClient extends RemoteEngine {
  private connection: WorkerConnection | null = null;
  private closed = false;

  private constructor(private readonly options: EngineClientOptions) {
    super();
  }

  /** Starts the worker and waits until it is ready. */
  static async start(options: EngineClientOptions): Promise<EngineClient> {
    const client = new EngineClient(options);
    await client.connect();
    return client;
  }

  /** Stops the worker; later calls fail and queued runs end as failed. */
  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection;
    this.connection = null;
    await connection?.terminate();
  }

  protected async callEngine(method: EngineCallName, args: unknown[]): Promise<unknown> {
    return (await this.connect()).channel.call(method, args);
  }

  private async connect(): Promise<WorkerConnection> {
    if (this.closed) throw new Error('The engine client is closed');
    if (!this.connection) {
      const connection = new WorkerConnection(
        this.options,
        (event: EngineEvent) => this.deliver(event),
        () => {
          if (this.connection === connection) this.connection = null;
        },
      );
      this.connection = connection;
    }
    const connection = this.connection;
    await connection.ready;
    return connection;
  }
}
