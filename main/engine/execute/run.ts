// One run of a compiled graph: decide from the cache what must run, run it in plan order,
// stream events, keep only the intermediates later nodes still need.
import {
  type Logger,
  NodeInputError,
  type NodeInputs,
  type NodeOutputs,
  type RunScope,
  type RuntimeServices,
} from '../../../nodes/api.ts';
import { checkWidgetValue } from '../../graph/widget-values.ts';
import type { NodeServiceProvider } from '../../services/index.ts';
import { describeFsError } from '../../util/fs-errors.ts';
import type { PlanStep } from '../compile/plan.ts';
import type { EngineEvent, OutputFileInfo, RunResult } from '../events.ts';
import type { ResultCache } from './cache.ts';
import { type ContextDeps, createNodeContext } from './node-context.ts';
import { OrderedEmitter } from './ordered-emitter.ts';
import { shownValues } from './shown-values.ts';
import { stepSignature } from './signature.ts';

export interface RunDeps {
  runtime: RuntimeServices;
  /** This run's graph and model references, handed to every node context. */
  run: RunScope;
  services: NodeServiceProvider;
  cache: ResultCache;
  log: Logger;
}

type Mode = 'run' | 'cached' | 'skip';

/** A node failure, carrying the node to name in run-failed. */
class NodeFailure extends Error {
  constructor(
    readonly nodeId: string,
    readonly nodeType: string,
    message: string,
  ) {
    super(message);
  }
}

export class GraphRun {
  private readonly emitter: OrderedEmitter;
  private readonly working = new Map<string, NodeOutputs>();
  private readonly consumers = new Map<string, number>();
  private readonly outputs: OutputFileInfo[] = [];
  private readonly started = performance.now();
  private contextDeps: ContextDeps | undefined;

  constructor(
    private readonly runId: string,
    private readonly steps: PlanStep[],
    private readonly signal: AbortSignal,
    onEvent: ((event: EngineEvent) => void) | undefined,
    private readonly deps: RunDeps,
  ) {
    this.emitter = new OrderedEmitter(onEvent, (error) =>
      deps.log.error(`event delivery failed: ${String(error)}`),
    );
  }

  async execute(): Promise<RunResult> {
    const { runId } = this;
    if (this.signal.aborted) return this.finish({ type: 'run-cancelled', runId });
    const salts = this.salts();
    // Only graphs with keyed nodes wait for keys: an await here costs the common case dearly.
    const signatures = this.signatures(Array.isArray(salts) ? salts : await salts);
    const modes = this.decide(signatures);
    this.emitter.emit({ type: 'run-started', runId, plan: this.steps.map((s) => s.nodeId) });
    try {
      for (const step of this.steps) {
        if (this.signal.aborted) return this.finish({ type: 'run-cancelled', runId });
        if (modes.get(step.nodeId) !== 'run') {
          this.emitter.emit({ type: 'node-cached', runId, nodeId: step.nodeId });
          continue;
        }
        await this.runStep(step, signatures.get(step.nodeId) as string);
      }
    } catch (error) {
      if (this.signal.aborted) return this.finish({ type: 'run-cancelled', runId });
      if (!(error instanceof NodeFailure)) {
        return this.finish({ type: 'run-failed', runId, nodeId: null, message: describeError(error) });
      }
      this.emitter.emit({ type: 'node-error', runId, nodeId: error.nodeId, message: error.message });
      const message = `Node "${error.nodeId}" (${error.nodeType}) failed: ${error.message}`;
      return this.finish({ type: 'run-failed', runId, nodeId: error.nodeId, message });
    } finally {
      this.working.clear();
    }
    return this.finish({ type: 'run-done', runId, ms: this.elapsed(), outputs: this.outputs });
  }

  /** Nodes whose results this run still holds for later consumers (for tests and diagnostics). */
  heldResults(): string[] {
    return [...this.working.keys()];
  }

  private signatures(salts: readonly string[]): Map<string, string> {
    const signatures = new Map<string, string>();
    this.steps.forEach((step, i) => {
      signatures.set(step.nodeId, stepSignature(step, signatures, salts[i]));
    });
    return signatures;
  }

  /** Each step's salt (see `salt`), waiting only when some node computes a cache key. */
  private salts(): string[] | Promise<string[]> {
    const salts = this.steps.map((step) => this.salt(step));
    return salts.every((salt) => typeof salt === 'string') ? (salts as string[]) : Promise.all(salts);
  }

  /**
   * What a node's result depends on besides its inputs: nothing, its declared cache key (a file
   * loader's content fingerprint), or a fresh value that nothing matches. Nondeterministic nodes,
   * keyed nodes fed by wires (their widget values are not known yet) and keys that fail (the run
   * then reports the problem) get a fresh one, so nothing after them is reused either.
   */
  private salt(step: PlanStep): string | Promise<string> {
    const { def } = step;
    const fresh = () => `${this.runId}:${Math.random()}`;
    if (def.nondeterministic) return fresh();
    if (!def.cacheKey) return '';
    if (step.inputs.length > 0) return fresh();
    const inputs = { ...step.widgets };
    return Promise.resolve()
      .then(() => def.cacheKey?.(this.context(step.nodeId), inputs))
      .then((key) => `key:${key}`, fresh);
  }

  private context(nodeId: string) {
    if (!this.contextDeps) {
      const { runtime, run, services, log } = this.deps;
      const { runId, signal, emitter, outputs } = this;
      this.contextDeps = { runId, signal, runtime, run, services, emitter, log, outputs };
    }
    return createNodeContext(nodeId, this.contextDeps);
  }

  /**
   * Consumers first: a node runs if something running needs it and the cache cannot answer.
   * Output nodes always run: they save or preview, and a repeated run should do so again.
   */
  private decide(signatures: Map<string, string>): Map<string, Mode> {
    const modes = new Map<string, Mode>();
    const needed = new Set(this.steps.filter((s) => s.def.output).map((s) => s.nodeId));
    for (let i = this.steps.length - 1; i >= 0; i--) {
      const step = this.steps[i];
      const cacheable = !step.def.output && !step.def.nondeterministic;
      const hit =
        needed.has(step.nodeId) && cacheable
          ? this.deps.cache.get(signatures.get(step.nodeId) as string)
          : undefined;
      if (!needed.has(step.nodeId)) modes.set(step.nodeId, 'skip');
      else if (hit) {
        modes.set(step.nodeId, 'cached');
        this.working.set(step.nodeId, hit);
      } else {
        modes.set(step.nodeId, 'run');
        for (const { source } of step.inputs) {
          needed.add(source.nodeId);
          this.consumers.set(source.nodeId, (this.consumers.get(source.nodeId) ?? 0) + 1);
        }
      }
    }
    return modes;
  }

  private async runStep(step: PlanStep, signature: string): Promise<void> {
    const { runId, emitter } = this;
    const { nodeId, def } = step;
    emitter.emit({ type: 'node-started', runId, nodeId, nodeType: def.type });
    const began = performance.now();
    let outputs: NodeOutputs;
    try {
      const inputs = this.gatherInputs(step);
      outputs = (await def.run(this.context(nodeId), inputs)) ?? {};
      for (const output of def.outputs) {
        if (outputs[output.name] === undefined)
          throw new Error(`produced no value for output "${output.name}"`);
      }
    } catch (error) {
      throw new NodeFailure(nodeId, def.type, describeError(error));
    }
    if (this.consumers.has(nodeId)) this.working.set(nodeId, outputs);
    if (!def.output && !def.nondeterministic) this.deps.cache.set(signature, outputs);
    const values = shownValues(def, outputs);
    emitter.emit({
      type: 'node-done',
      runId,
      nodeId,
      ms: performance.now() - began,
      ...(values && { values }),
    });
  }

  /** Widget values, then wired inputs; releases each source once its last consumer has it. */
  private gatherInputs(step: PlanStep): NodeInputs {
    const inputs: NodeInputs = { ...step.widgets };
    for (const { name, source, widget } of step.inputs) {
      const value = this.working.get(source.nodeId)?.[source.output];
      if (widget) {
        const problem = checkWidgetValue(widget, value);
        if (problem) throw new NodeInputError(name, `wired value for widget "${name}": ${problem}`);
      }
      inputs[name] = value;
      const left = (this.consumers.get(source.nodeId) ?? 1) - 1;
      this.consumers.set(source.nodeId, left);
      if (left <= 0) this.working.delete(source.nodeId);
    }
    return inputs;
  }

  private elapsed(): number {
    return performance.now() - this.started;
  }

  private async finish(event: EngineEvent): Promise<RunResult> {
    this.emitter.emit(event);
    await this.emitter.flush();
    const result: RunResult = {
      runId: this.runId,
      status: 'done',
      ms: this.elapsed(),
      outputs: this.outputs,
    };
    if (event.type === 'run-cancelled') result.status = 'cancelled';
    if (event.type === 'run-failed') {
      result.status = 'failed';
      result.error = { nodeId: event.nodeId, message: event.message };
    }
    return result;
  }
}

function describeError(error: unknown): string {
  if (error instanceof NodeInputError) return `${error.input}: ${error.message}`;
  // A full disk or read-only folder is named plainly (with the file) rather than as a raw errno.
  const { code, path } = error as NodeJS.ErrnoException;
  if (code && describeFsError(error) !== (error as Error).message) {
    return path ? `${path}: ${describeFsError(error)}` : describeFsError(error);
  }
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
