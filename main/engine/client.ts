// EngineClient: the engine behind a worker thread, for the CLI, the server and Electron alike.
// Runs are queued and executed one at a time in order; a worker that dies fails the run in
// progress with a clear message and is replaced on the next request.
import { randomUUID } from 'node:crypto';
import type { DeviceName, NodeSchema } from '../../nodes/api.ts';
import type { DeviceInfo, LoadedModelInfo, ModelInfo, ModelReference } from '../runtime/index.ts';
import type { EngineEvent, GraphProblem, RunResult } from './events.ts';
import type { EngineMethods, MethodName, WorkerConfig } from './protocol.ts';
import { WorkerConnection } from './worker-connection.ts';

export type EngineClientOptions = WorkerConfig;
type Listener = (event: EngineEvent) => void;

interface QueuedRun {
  cancelled: boolean;
  started: boolean;
}

export class EngineClient {
  private connection: WorkerConnection | null = null;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly runs = new Map<string, QueuedRun>();
  private readonly listeners = new Map<string, Listener>();

  private constructor(private readonly options: EngineClientOptions) {}

  /** Starts the worker and waits until it is ready. */
  static async start(options: EngineClientOptions): Promise<EngineClient> {
    const client = new EngineClient(options);
    await client.connect();
    return client;
  }

  catalogue(): Promise<NodeSchema[]> {
    return this.request('catalogue', {});
  }

  async validate(doc: unknown): Promise<GraphProblem[]> {
    return this.request('validate', { doc });
  }

  /** Queues a run; resolves when it has finished (its last event delivered). Never rejects. */
  run(doc: unknown, onEvent?: Listener, options: { runId?: string } = {}): Promise<RunResult> {
    const runId = options.runId ?? randomUUID();
    const entry: QueuedRun = { cancelled: false, started: false };
    this.runs.set(runId, entry);
    const result = this.queue.then(() => this.execute(doc, runId, entry, onEvent ?? (() => {})));
    this.queue = result;
    return result.finally(() => this.runs.delete(runId));
  }

  /** Cancels the given run (running or queued), or the running one when no id is given. */
  cancel(runId?: string): void {
    const id = runId ?? [...this.runs].find(([, run]) => run.started)?.[0];
    const run = id === undefined ? undefined : this.runs.get(id);
    if (!run || id === undefined) return;
    run.cancelled = true;
    if (run.started) this.connection?.request('cancel', { runId: id }).catch(() => {});
  }

  listModels(): Promise<ModelInfo[]> {
    return this.request('listModels', {});
  }

  loadedModels(): Promise<LoadedModelInfo[]> {
    return this.request('loadedModels', {});
  }

  async unloadModels(): Promise<void> {
    await this.request('unloadModels', {});
  }

  devices(): Promise<{ devices: DeviceInfo[]; auto: DeviceName }> {
    return this.request('devices', {});
  }

  /** What `auto` resolves to here (cheaper than `devices()`, which probes every device). */
  autoDevice(): Promise<DeviceName> {
    return this.request('autoDevice', {});
  }

  /** Name and content hash of every model the graph names, as found by this engine (for saving). */
  modelRefs(doc: unknown): Promise<ModelReference[]> {
    return this.request('modelRefs', { doc });
  }

  /** Stops the worker; later calls fail and queued runs end as failed. */
  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection;
    this.connection = null;
    await connection?.terminate();
  }

  private async execute(
    doc: unknown,
    runId: string,
    entry: QueuedRun,
    onEvent: Listener,
  ): Promise<RunResult> {
    if (entry.cancelled) return this.endEarly(runId, onEvent, { type: 'run-cancelled', runId });
    entry.started = true;
    this.listeners.set(runId, onEvent);
    try {
      return await this.request('run', { doc, runId });
    } catch (error) {
      const message = (error as Error).message;
      return this.endEarly(runId, onEvent, { type: 'run-failed', runId, nodeId: null, message });
    } finally {
      this.listeners.delete(runId);
    }
  }

  private endEarly(
    runId: string,
    onEvent: Listener,
    event: EngineEvent & { type: 'run-failed' | 'run-cancelled' },
  ): RunResult {
    try {
      onEvent(event);
    } catch {
      // A listener's own error must not turn into a failed run.
    }
    if (event.type === 'run-cancelled') return { runId, status: 'cancelled', ms: 0, outputs: [] };
    return {
      runId,
      status: 'failed',
      ms: 0,
      outputs: [],
      error: { nodeId: event.nodeId, message: event.message },
    };
  }

  private async request<M extends MethodName>(
    method: M,
    params: EngineMethods[M]['params'],
  ): Promise<EngineMethods[M]['result']> {
    const connection = await this.connect();
    return connection.request(method, params);
  }

  private async connect(): Promise<WorkerConnection> {
    if (this.closed) throw new Error('The engine client is closed');
    if (!this.connection) {
      const connection = new WorkerConnection(
        this.options,
        (event) => this.deliver(event),
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

  private deliver(event: EngineEvent): void {
    try {
      this.listeners.get(event.runId)?.(event);
    } catch {
      // Listener errors stay with the listener.
    }
  }
}
