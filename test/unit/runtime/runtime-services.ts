// A minimal RuntimeServices for runtime tests (the engine's createRuntimeServices does the same job),
// and node contexts carrying the real services (main/services) as the engine gives them.
import { runtimeNodeServices } from '../../../main/services/index.ts';
import type {
  DeviceName,
  NodeContext,
  NodeOutputFile,
  RunScope,
  RuntimeServices,
} from '../../../nodes/api.ts';
import { builtinNodes } from '../../../nodes/index.ts';

export function testRuntime(options: {
  models: string;
  input?: string;
  output?: string;
  device?: DeviceName;
  modelSearchPath?: string[];
  allowAbsolutePaths?: boolean;
}): RuntimeServices {
  const services = new Map<string, unknown>();
  return {
    paths: {
      models: options.models,
      input: options.input ?? options.models,
      output: options.output ?? options.models,
    },
    modelSearchPath: options.modelSearchPath ?? [],
    device: options.device ?? 'cpu',
    allowAbsolutePaths: options.allowAbsolutePaths ?? false,
    service<T>(key: string, create: () => T): T {
      if (!services.has(key)) services.set(key, create());
      return services.get(key) as T;
    },
  };
}

export interface RecordingContext extends NodeContext {
  warnings: string[];
  outputs: NodeOutputFile[];
}

/** A run of `graph` with the built-in nodes' widget declarations, as the engine scopes one. */
export function testRun(runtime: RuntimeServices, graph: unknown = null): RunScope {
  const widgetsOf = (type: string) => builtinNodes().find((n) => n.type === type)?.widgets;
  return { graph, modelReferences: () => runtimeNodeServices.modelReferences(runtime, graph, widgetsOf) };
}

/** A NodeContext with the real services that records warnings and output files. */
export function testContext(
  runtime: RuntimeServices,
  nodeId = 'n1',
  graph: unknown = null,
): RecordingContext {
  const warnings: string[] = [];
  const outputs: NodeOutputFile[] = [];
  const log = { info: () => {}, warn: () => {}, error: () => {} };
  const run = testRun(runtime, graph);
  const warn = (message: string) => {
    warnings.push(message);
  };
  return {
    nodeId,
    run,
    services: runtimeNodeServices.services({ runtime, run, warn }),
    signal: new AbortController().signal,
    progress: () => {},
    warn,
    output: (file) => outputs.push(file),
    log,
    runtime,
    warnings,
    outputs,
  };
}
