// The visible run queue: FIFO, one run on the engine at a time, every queued or running run
// cancellable. Each change is announced as a `queue` event; each run ends with a `run-result`.
// The queue hands out run ids at once (queue() returns before the engine starts) and gives the
// engine the same id; events are still stamped with it on the way out, so the editor only ever
// sees one id per run even from an engine that picks its own.
import type { EngineEvent, RunResult } from '../engine/events.ts';
import type { HostEvent, QueueItem, QueueState } from './api.ts';
import type { EngineLike } from './engine-like.ts';

interface Entry extends QueueItem {
  graph: unknown;
}

export interface RunQueueOptions {
  engine: Pick<EngineLike, 'run' | 'cancel'>;
  emit: (event: HostEvent) => void;
  newRunId?: () => string;
  now?: () => number;
}

export class RunQueue {
  private readonly entries: Entry[] = [];
  private running: Promise<void> | null = null;
  private readonly newRunId: () => string;
  private readonly now: () => number;

  constructor(private readonly options: RunQueueOptions) {
    this.newRunId = options.newRunId ?? (() => globalThis.crypto.randomUUID());
    this.now = options.now ?? Date.now;
  }

  enqueue(graph: unknown, title = 'Untitled'): string {
    const runId = this.newRunId();
    this.entries.push({ runId, title, state: 'queued', queuedAt: this.now(), graph });
    this.announce();
    this.pump();
    return runId;
  }

  state(): QueueState {
    return {
      items: this.entries.map(({ runId, title, state, queuedAt, worker }) => ({
        runId,
        title,
        state,
        queuedAt,
        ...(worker ? { worker } : {}),
      })),
    };
  }

  /** Cancel a run by id, or the running one. A run that already finished is left alone. */
  cancel(runId?: string): void {
    const entry = runId
      ? this.entries.find((e) => e.runId === runId)
      : this.entries.find((e) => e.state === 'running');
    if (!entry) return;
    if (entry.state === 'running') {
      this.options.engine.cancel(entry.runId);
      return;
    }
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.options.emit({ type: 'run-cancelled', runId: entry.runId });
    this.finish({ runId: entry.runId, status: 'cancelled', ms: 0, outputs: [] });
  }

  /** Cancel everything (shutdown). */
  cancelAll(): void {
    for (const entry of [...this.entries].reverse()) this.cancel(entry.runId);
  }

  /** Resolves once the queue is empty. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private pump(): void {
    if (this.running) return;
    const next = this.entries.find((e) => e.state === 'queued');
    if (!next) return;
    next.state = 'running';
    this.announce();
    this.running = this.execute(next).finally(() => {
      this.running = null;
      this.pump();
    });
  }

  private async execute(entry: Entry): Promise<void> {
    const started = this.now();
    let result: RunResult;
    try {
      const onWorker = (worker: string) => {
        entry.worker = worker;
        this.announce();
      };
      const engineResult = await this.options.engine.run(entry.graph, (event) => this.forward(entry, event), {
        runId: entry.runId,
        onWorker,
      });
      result = { ...engineResult, runId: entry.runId };
    } catch (error) {
      // The engine process itself failed (crash, closed): report it as this run's failure.
      const message = error instanceof Error ? error.message : String(error);
      this.options.emit({ type: 'run-failed', runId: entry.runId, nodeId: null, message });
      result = {
        runId: entry.runId,
        status: 'failed',
        ms: this.now() - started,
        outputs: [],
        error: { nodeId: null, message },
      };
    }
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.finish(result);
  }

  private forward(entry: Entry, event: EngineEvent): void {
    this.options.emit({ ...event, runId: entry.runId });
  }

  private finish(result: RunResult): void {
    this.options.emit({ type: 'run-result', result });
    this.announce();
  }

  private announce(): void {
    this.options.emit({ type: 'queue', queue: this.state() });
  }
}
