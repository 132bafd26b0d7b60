// The `ctx` a node's run receives: progress, warnings, output files and logging all become events.
import type {
  Logger,
  NodeContext,
  NodeOutputFile,
  NodeServices,
  PreviewImage,
  RunScope,
  RuntimeServices,
} from '../../../nodes/api.ts';
import type { NodeServiceProvider } from '../../services/index.ts';
import type { OutputFileInfo } from '../events.ts';
import type { OrderedEmitter } from './ordered-emitter.ts';

export interface ContextDeps {
  runId: string;
  signal: AbortSignal;
  runtime: RuntimeServices;
  /** Per run: the graph being run and its model references. */
  run: RunScope;
  services: NodeServiceProvider;
  emitter: OrderedEmitter;
  log: Logger;
  outputs: OutputFileInfo[];
}

/** A node call's context. A class, so that the lazy `services` getter sits on the prototype. */
class CallContext implements NodeContext {
  readonly signal: AbortSignal;
  readonly runtime: RuntimeServices;
  readonly run: RunScope;
  readonly log: Logger;
  private built: NodeServices | undefined;

  constructor(
    readonly nodeId: string,
    private readonly deps: ContextDeps,
  ) {
    this.signal = deps.signal;
    this.runtime = deps.runtime;
    this.run = deps.run;
    const { log } = deps;
    this.log = {
      info: (message) => log.info(`[${nodeId}] ${message}`),
      warn: (message) => log.warn(`[${nodeId}] ${message}`),
      error: (message) => log.error(`[${nodeId}] ${message}`),
    };
  }

  /** Built on first use: most nodes never touch a service. */
  get services(): NodeServices {
    this.built ??= this.deps.services.services({
      runtime: this.runtime,
      run: this.run,
      warn: (message) => this.warn(message),
    });
    return this.built;
  }

  progress(step: number, total: number, preview?: PreviewImage): void {
    const event = {
      type: 'node-progress',
      runId: this.deps.runId,
      nodeId: this.nodeId,
      step,
      total,
    } as const;
    if (preview) this.deps.emitter.emitWithPreview(event, preview);
    else this.deps.emitter.emit(event);
  }

  warn(message: string): void {
    this.deps.emitter.emit({ type: 'node-warning', runId: this.deps.runId, nodeId: this.nodeId, message });
  }

  output(file: NodeOutputFile): void {
    const info: OutputFileInfo = {
      kind: file.kind,
      path: file.path,
      ...(file.meta ? { meta: file.meta } : {}),
    };
    this.deps.outputs.push(info);
    this.deps.emitter.emit({ type: 'node-output', runId: this.deps.runId, nodeId: this.nodeId, file: info });
  }
}

export function createNodeContext(nodeId: string, deps: ContextDeps): NodeContext {
  return new CallContext(nodeId, deps);
}
