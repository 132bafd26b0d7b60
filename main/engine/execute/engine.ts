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
  /** Runs accepted and not finished (the first is running), for cancel. */
  private readonly active = new Map<string, AbortController>();
  private queue: Promise<unknown> = Promise.resolve();

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

  /** Runs after any run already in progress; resolves once the run's last event is delivered. */
  run(doc: unknown, options: RunOptions = {}): Promise<RunResult> {
    const runId = options.runId ?? randomUUID();
    const controller = new AbortController();
    if (options.signal) {
      if (options.signal.aborted) controller.abort();
      else options.signal.addEventListener('abort', () => controller.abort(), { once: true });
    }
    this.active.set(runId, controller);
    const result = this.queue.then(() => this.execute(doc, runId, controller.signal, options.onEvent));
    const settled = result.finally(() => this.active.delete(runId));
    this.queue = settled.catch(() => undefined);
    return settled;
  }

  /** Cancels the given run (running or waiting), or the running one when no id is given. */
  cancel(runId?: string): void {
    const id = runId ?? this.active.keys().next().value;
    if (id !== undefined) this.active.get(id)?.abort();
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
