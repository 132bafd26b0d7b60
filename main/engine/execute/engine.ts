// The in-process engine: validates, plans and runs graphs one at a time, keeping a result cache
// between runs. Hosts normally use it through EngineClient (a worker thread); tests and the
// worker itself use it directly.
import { randomUUID } from 'node:crypto';
import type { Logger, ModelReference, RunScope, RuntimeServices } from '../../../nodes/api.ts';
import { type NodeServiceProvider, runtimeNodeServices } from '../../services/index.ts';
import { compileGraph, formatProblem, validateGraph } from '../compile/validate.ts';
import type { EngineEvent, GraphProblem, RunResult } from '../events.ts';
import type { NodeRegistry } from '../registry.ts';
import { ResultCache } from './cache.ts';
import { GraphRun } from './run.ts';

export const DEFAULT_CACHE_BYTES = 2 * 1024 ** 3;

export interface EngineOptions {
  registry: NodeRegistry;
  runtime: RuntimeServices;
  /** The services node contexts carry (default: the real ones of main/runtime; tests pass fakes). */
  services?: NodeServiceProvider;
  /** Memory budget of the result cache (estimated bytes). */
  cacheBytes?: number;
  /** Where node log lines go (default: stderr). */
  logger?: Logger;
}

export interface RunOptions {
  runId?: string;
  onEvent?: (event: EngineEvent) => void;
  signal?: AbortSignal;
  /** Run before the runs already waiting (not before the one running): "queue at front". */
  front?: boolean;
}

const stderrLogger: Logger = {
  info: (message) => console.error(message),
  warn: (message) => console.error(`warning: ${message}`),
  error: (message) => console.error(`error: ${message}`),
};

export class Engine {
  readonly registry: NodeRegistry;
  readonly runtime: RuntimeServices;
  private readonly services: NodeServiceProvider;
  private readonly cache: ResultCache;
  private readonly logger: Logger;
  /** Runs accepted and not finished, for cancel. */
  private readonly active = new Map<string, AbortController>();
  /** Runs waiting for their turn, in order; each starts its run and settles when it is over. */
  private readonly waiting: Array<() => Promise<void>> = [];
  private runningId: string | null = null;
  private pumping = false;

  constructor(options: EngineOptions) {
    this.registry = options.registry;
    this.runtime = options.runtime;
    this.services = options.services ?? runtimeNodeServices;
    this.cache = new ResultCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES);
    this.logger = options.logger ?? stderrLogger;
  }

  validate(doc: unknown): GraphProblem[] {
    return validateGraph(doc, this.registry);
  }

  /** The models `doc`'s widgets name (by this registry's declarations), with content hashes. */
  modelReferences(doc: unknown): Promise<ModelReference[]> {
    return this.services.modelReferences(this.runtime, doc, (type) => this.registry.get(type)?.widgets);
  }

  /**
   * Runs after the runs already accepted (with `front`, before the waiting ones); resolves once
   * the run's last event is delivered.
   */
  run(doc: unknown, options: RunOptions = {}): Promise<RunResult> {
    const runId = options.runId ?? randomUUID();
    const controller = new AbortController();
    if (options.signal) {
      if (options.signal.aborted) controller.abort();
      else options.signal.addEventListener('abort', () => controller.abort(), { once: true });
    }
    this.active.set(runId, controller);
    const result = new Promise<RunResult>((resolve, reject) => {
      const turn = async () => {
        this.runningId = runId;
        try {
          resolve(await this.execute(doc, runId, controller.signal, options.onEvent));
        } catch (error) {
          reject(error);
        } finally {
          this.runningId = null;
          this.active.delete(runId);
        }
      };
      if (options.front) this.waiting.unshift(turn);
      else this.waiting.push(turn);
    });
    // Started on a later microtask, as the promise chain this replaces did: callers see `run`
    // return before any of the run's events.
    queueMicrotask(() => void this.pump());
    return result;
  }

  /** Cancels the given run (running or waiting), or the running one when no id is given. */
  cancel(runId?: string): void {
    const id = runId ?? this.runningId ?? undefined;
    if (id !== undefined) this.active.get(id)?.abort();
  }

  /** Runs the waiting runs one at a time until none is left. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let turn = this.waiting.shift(); turn; turn = this.waiting.shift()) await turn();
    } finally {
      this.pumping = false;
    }
  }

  clearCache(): void {
    this.cache.clear();
  }

  cacheStats(): { entries: number; bytes: number; budgetBytes: number } {
    return { entries: this.cache.size, bytes: this.cache.bytes, budgetBytes: this.cache.budgetBytes };
  }

  private async execute(
    doc: unknown,
    runId: string,
    signal: AbortSignal,
    onEvent: ((event: EngineEvent) => void) | undefined,
  ): Promise<RunResult> {
    const started = performance.now();
    const compiled = compileGraph(doc, this.registry);
    if (compiled.problems.length > 0 || !compiled.doc) {
      const { problems } = compiled;
      const noun = problems.length === 1 ? 'problem' : 'problems';
      const message = `The graph has ${problems.length} ${noun}: ${problems.map(formatProblem).join('; ')}`;
      const event: EngineEvent = {
        type: 'run-failed',
        runId,
        nodeId: problems[0]?.nodeId ?? null,
        message,
        problems,
      };
      safeDeliver(onEvent, event, this.logger);
      return {
        runId,
        status: 'failed',
        ms: performance.now() - started,
        outputs: [],
        error: { nodeId: event.nodeId, message },
      };
    }
    const graph = compiled.doc;
    let references: Promise<ModelReference[]> | undefined;
    const run: RunScope = { graph, modelReferences: () => (references ??= this.modelReferences(graph)) };
    const deps = { runtime: this.runtime, run, services: this.services, cache: this.cache, log: this.logger };
    return new GraphRun(runId, compiled.steps, signal, onEvent, deps).execute();
  }
}

function safeDeliver(
  listener: ((event: EngineEvent) => void) | undefined,
  event: EngineEvent,
  log: Logger,
): void {
  try {
    listener?.(event);
  } catch (error) {
    log.error(`event delivery failed: ${String(error)}`);
  }
}
