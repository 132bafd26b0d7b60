// An EngineLike over the engine protocol, whatever carries it (a worker thread, an Electron
// utility process). The plain calls come from the method table; run adds event delivery by run
// id and never rejects: a transport that fails turns into a failed run.
import { remoteMethods } from '../../rpc/remote-methods.ts';
import type { EngineEvent, GraphProblem, RunResult } from '../events.ts';
import { EngineGoneError } from './channel.ts';
import {
  type EngineCallName,
  type EngineCalls,
  PASS_THROUGH_NAMES,
  type PassThroughName,
} from './engine-calls.ts';

type Listener = (event: EngineEvent) => void;

// The plain calls are own properties made from the method table in the constructor; this
// declaration gives them their types (the class itself lists none of them by hand).
export interface RemoteEngine extends Pick<EngineCalls, Exclude<PassThroughName, 'validate'>> {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above
export abstract class RemoteEngine {
  private readonly listeners = new Map<string, Listener>();
  private readonly cancelled = new Set<string>();

  constructor() {
    const names = PASS_THROUGH_NAMES.filter((name) => name !== 'validate');
    Object.assign(
      this,
      remoteMethods<EngineCalls, PassThroughName>(names, (name, args) => this.callEngine(name, args)),
    );
  }

  /** Sends one call of the method table to the engine (the transport's part). */
  protected abstract callEngine(method: EngineCallName, args: unknown[]): Promise<unknown>;

  /** Stops the engine; later calls fail. */
  abstract close(): Promise<void>;

  /** The engine's problems (those only the file text shows, repeated keys, come with the parse). */
  async validate(doc: unknown): Promise<GraphProblem[]> {
    return (await this.callEngine('validate', [doc])) as GraphProblem[];
  }

  /**
   * Queues a run on the engine (which runs one at a time); resolves when it has finished, its last
   * event delivered. A run that had not started when the engine died is sent once more (a new
   * worker takes it); one that had started ends as failed.
   */
  async run(
    doc: unknown,
    onEvent: Listener = () => {},
    options: { runId?: string; front?: boolean } = {},
  ): Promise<RunResult> {
    const runId = options.runId ?? globalThis.crypto.randomUUID();
    let started = false;
    this.listeners.set(runId, (event) => {
      if (event.type === 'run-started') started = true;
      onEvent(event);
    });
    try {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return (await this.callEngine('run', [doc, runId, options.front === true])) as RunResult;
        } catch (error) {
          if (this.cancelled.has(runId)) return endEarly(runId, onEvent, { type: 'run-cancelled', runId });
          if (started || attempt > 1 || !(error instanceof EngineGoneError)) {
            const message = (error as Error).message;
            return endEarly(runId, onEvent, { type: 'run-failed', runId, nodeId: null, message });
          }
        }
      }
    } finally {
      this.listeners.delete(runId);
      this.cancelled.delete(runId);
    }
  }

  /** Cancels a running or waiting run (the engine skips a waiting one), or the running one. */
  cancel(runId?: string): void {
    if (runId !== undefined && this.listeners.has(runId)) this.cancelled.add(runId);
    this.callEngine('cancel', [runId]).catch(() => {});
  }

  /** Hands a run event from the engine to the run's listener. */
  protected deliver(event: EngineEvent): void {
    try {
      this.listeners.get(event.runId)?.(event);
    } catch {
      // A listener's own error stays with the listener.
    }
  }
}

function endEarly(
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
