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
import type { NodeServiceProvider } from '../../runtime/node-services/index.ts';
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

export function createNodeContext(nodeId: string, deps: ContextDeps): NodeContext {
  const { runId, emitter, log } = deps;
  let services: NodeServices | undefined;
  const ctx: NodeContext = {
    nodeId,
    signal: deps.signal,
    runtime: deps.runtime,
    run: deps.run,
    // Built on first use: most nodes never touch a service.
    get services() {
      services ??= deps.services.services({ runtime: deps.runtime, run: deps.run, warn: ctx.warn });
      return services;
    },
    progress(step: number, total: number, preview?: PreviewImage) {
      const event = { type: 'node-progress', runId, nodeId, step, total } as const;
      if (preview) emitter.emitWithPreview(event, preview);
      else emitter.emit(event);
    },
    warn(message: string) {
      emitter.emit({ type: 'node-warning', runId, nodeId, message });
    },
    output(file: NodeOutputFile) {
      const info: OutputFileInfo = {
        kind: file.kind,
        path: file.path,
        ...(file.meta ? { meta: file.meta } : {}),
      };
      deps.outputs.push(info);
      emitter.emit({ type: 'node-output', runId, nodeId, file: info });
    },
    log: {
      info: (message) => log.info(`[${nodeId}] ${message}`),
      warn: (message) => log.warn(`[${nodeId}] ${message}`),
      error: (message) => log.error(`[${nodeId}] ${message}`),
    },
  };
  return ctx;
}
