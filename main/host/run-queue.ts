// The visible run queue: the editor's view of the runs the engine has accepted. Runs go to the
// engine at once and the engine serialises them (the one place that does); an entry turns
// `running` when its run-started event arrives. Every queued or running run is cancellable; each
// change is announced as a `queue` event and each run ends with a `run-result`. The queue hands out
// run ids at once and gives the engine the same id; events are still stamped with it on the way
// out, so the editor only ever sees one id per run even from an engine that picks its own.
import type { EngineEvent, RunResult } from '../engine/events.ts';
import type { EngineLike } from '../engine/transport/engine-calls.ts';
import type { HostEvent, QueueItem, QueueState } from './shared/api.ts';
import { HostError } from './shared/errors.ts';

/** Runs waiting at once: each holds its graph in memory, so the queue cannot grow without end. */
export const MAX_QUEUED_RUNS = 32;
/** Graph text waiting at once, all runs together (a graph is usually well under 1 MiB). */
export const MAX_QUEUED_BYTES = 64 * 1024 * 1024;

interface Entry extends QueueItem {
  graph: unknown;
  /** Size of the graph as JSON text, for the queue's memory bound. */
  bytes: number;
}

export interface RunQueueOptions {
  engine: Pick<EngineLike, 'run' | 'cancel'>;
  emit: (event: HostEvent) => void;
  newRunId?: () => string;
  now?: () => number;
}

export class RunQueue {
  private readonly entries: Entry[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly newRunId: () => string;
  private readonly now: () => number;

  constructor(private readonly options: RunQueueOptions) {
    this.newRunId = options.newRunId ?? (() => globalThis.crypto.randomUUID());
    this.now = options.now ?? Date.now;
  }

  /** Queues a run after the others, or with `front` ahead of those still waiting. */
  enqueue(graph: unknown, title = 'Untitled', options: { front?: boolean } = {}): string {
    const bytes = JSON.stringify(graph)?.length ?? 0;
    const waiting = this.entries.filter((entry) => entry.state === 'queued');
    const waitingBytes = waiting.reduce((sum, entry) => sum + entry.bytes, 0);
    if (waiting.length >= MAX_QUEUED_RUNS || waitingBytes + bytes > MAX_QUEUED_BYTES) {
      throw new HostError(
        'unavailable',
        `the run queue is full (${waiting.length} runs, ${waitingBytes} bytes of graphs waiting; limits ${MAX_QUEUED_RUNS} runs, ${MAX_QUEUED_BYTES} bytes): wait for some to finish or cancel them`,
      );
    }
    const entry: Entry = {
      runId: this.newRunId(),
      title,
      state: 'queued',
      queuedAt: this.now(),
      graph,
      bytes,
    };
    const firstWaiting = this.entries.findIndex((e) => e.state === 'queued');
    if (options.front && firstWaiting >= 0) this.entries.splice(firstWaiting, 0, entry);
    else this.entries.push(entry);
    this.announce();
    const done: Promise<void> = this.execute(entry, options.front === true).finally(() =>
      this.inFlight.delete(done),
    );
    this.inFlight.add(done);
    return entry.runId;
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
    this.options.engine.cancel(entry.runId);
    if (entry.state === 'running') return;
    // A waiting run leaves the queue at once; the engine skips it when its turn comes.
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.options.emit({ type: 'run-cancelled', runId: entry.runId });
    this.finish({ runId: entry.runId, status: 'cancelled', ms: 0, outputs: [] });
  }

  /** Cancel everything (shutdown). */
  cancelAll(): void {
    for (const entry of [...this.entries].reverse()) this.cancel(entry.runId);
  }

  /** Resolves once the engine has answered every run given to it. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async execute(entry: Entry, front: boolean): Promise<void> {
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
        ...(front ? { front } : {}),
      });
      result = { ...engineResult, runId: entry.runId };
    } catch (error) {
      // The engine process itself failed (crash, closed): report it as this run's failure.
      const message = error instanceof Error ? error.message : String(error);
      result = {
        runId: entry.runId,
        status: 'failed',
        ms: this.now() - started,
        outputs: [],
        error: { nodeId: null, message },
      };
      if (this.entries.includes(entry)) {
        this.options.emit({ type: 'run-failed', runId: entry.runId, nodeId: null, message });
      }
    }
    if (!this.entries.includes(entry)) return; // cancelled while waiting: already reported
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.finish(result);
  }

  private forward(entry: Entry, event: EngineEvent): void {
    if (!this.entries.includes(entry)) return;
    if (event.type === 'run-started' && entry.state === 'queued') {
      entry.state = 'running';
      this.announce();
    }
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
