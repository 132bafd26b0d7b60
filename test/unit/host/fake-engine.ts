// A stand-in for EngineClient with the same contract: runs are serialised by the engine (a run
// called while another is active waits, and starts on a later turn once that one has ended), and
// are held open until the test finishes them, so queue order, cancellation and event forwarding can
// be observed step by step.
import type { EngineEvent, RunResult } from '../../../main/engine/events.ts';
import type { EngineLike } from '../../../main/engine/transport/engine-calls.ts';

interface PendingRun {
  engineRunId: string;
  graph: unknown;
  onEvent?: (event: EngineEvent) => void;
  resolve(result: RunResult): void;
  reject(error: Error): void;
}

export class FakeEngine implements EngineLike {
  readonly started: PendingRun[] = [];
  readonly cancelCalls: (string | undefined)[] = [];
  readonly unloadCalls: (string | undefined)[] = [];
  closed = false;
  /** What modelRefs answers (an Error: it rejects, as a crashed engine would). */
  modelRefsAnswer: { name: string; sha256: string }[] | Error = [];
  readonly modelRefsCalls: unknown[] = [];
  private counter = 0;
  private current: PendingRun | null = null;
  private readonly waiting: PendingRun[] = [];

  async catalogue() {
    return [
      {
        type: 'Int',
        displayName: 'Int',
        category: 'primitives',
        description: 'A whole number',
        inputs: [],
        widgets: [],
        outputs: [{ name: 'int', type: 'INT' as const }],
      },
    ];
  }

  async validate(doc: unknown) {
    const nodes = (doc as { nodes?: Record<string, unknown> }).nodes ?? {};
    return Object.keys(nodes).length === 0
      ? [{ nodeId: null, code: 'no-output-node' as const, message: 'the graph has no output node' }]
      : [];
  }

  /** Like EngineClient: uses the caller's run id when given, else makes one up. */
  run(
    graph: unknown,
    onEvent?: (event: EngineEvent) => void,
    options: { runId?: string; front?: boolean } = {},
  ): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      this.counter += 1;
      const engineRunId = options.runId ?? `engine-${this.counter}`;
      const run: PendingRun = { engineRunId, graph, onEvent, resolve, reject };
      if (!this.current) this.start(run);
      else if (options.front) this.waiting.unshift(run);
      else this.waiting.push(run);
    });
  }

  private start(run: PendingRun): void {
    this.current = run;
    this.started.push(run);
    run.onEvent?.({ type: 'run-started', runId: run.engineRunId, plan: ['a'] });
  }

  /** Finish the active run successfully, after one progress event. */
  finish(outputs: RunResult['outputs'] = []): void {
    const run = this.take();
    run.onEvent?.({ type: 'node-progress', runId: run.engineRunId, nodeId: 'a', step: 1, total: 1 });
    run.onEvent?.({ type: 'run-done', runId: run.engineRunId, ms: 5, outputs });
    run.resolve({ runId: run.engineRunId, status: 'done', ms: 5, outputs });
  }

  crash(message: string): void {
    this.take().reject(new Error(message));
  }

  /** Cancels the active run, or a waiting one (which then never starts), as Engine does. */
  cancel(runId?: string): void {
    this.cancelCalls.push(runId);
    const waitingIndex = this.waiting.findIndex((r) => r.engineRunId === runId);
    if (waitingIndex >= 0) {
      const [run] = this.waiting.splice(waitingIndex, 1);
      run.onEvent?.({ type: 'run-cancelled', runId: run.engineRunId });
      run.resolve({ runId: run.engineRunId, status: 'cancelled', ms: 0, outputs: [] });
      return;
    }
    const run = this.current;
    if (!run || (runId !== undefined && runId !== run.engineRunId)) return;
    this.take();
    run.onEvent?.({ type: 'run-cancelled', runId: run.engineRunId });
    run.resolve({ runId: run.engineRunId, status: 'cancelled', ms: 1, outputs: [] });
  }

  get active(): PendingRun | null {
    return this.current;
  }

  /** Ends the active run's turn; the next waiting run starts on a later turn, as in Engine. */
  private take(): PendingRun {
    const run = this.current;
    if (!run) throw new Error('FakeEngine: no active run');
    this.current = null;
    setTimeout(() => {
      const next = this.waiting.shift();
      if (next && !this.current) this.start(next);
      else if (next) this.waiting.unshift(next);
    }, 0);
    return run;
  }

  async listModels() {
    return [];
  }
  async loadedModels() {
    return [{ key: 'unet.onnx|cpu', name: 'diffgraph-shapes', slot: 'unet', device: 'cpu', bytes: 10 }];
  }
  async unloadModels(key?: string) {
    this.unloadCalls.push(key);
  }
  async devices() {
    return { devices: [{ name: 'cpu' as const, available: true, detail: 'fake' }], auto: 'cpu' as const };
  }
  async autoDevice() {
    return 'cpu' as const;
  }
  async modelRefs(doc: unknown) {
    this.modelRefsCalls.push(doc);
    if (this.modelRefsAnswer instanceof Error) throw this.modelRefsAnswer;
    return this.modelRefsAnswer;
  }
  async close() {
    this.closed = true;
  }
}

/** Let queued promise callbacks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
