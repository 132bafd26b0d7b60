// A minimal RuntimeServices for runtime tests (the engine's createRuntimeServices does the same job).
import type { DeviceName, NodeContext, NodeOutputFile, RuntimeServices } from '../../../nodes/api.ts';

export function testRuntime(options: {
  models: string;
  input?: string;
  output?: string;
  device?: DeviceName;
  modelSearchPath?: string[];
  graph?: unknown;
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
    graph: options.graph ?? null,
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

/** A NodeContext that records warnings and output files. */
export function testContext(runtime: RuntimeServices, nodeId = 'n1'): RecordingContext {
  const warnings: string[] = [];
  const outputs: NodeOutputFile[] = [];
  const log = { info: () => {}, warn: () => {}, error: () => {} };
  return {
    nodeId,
    signal: new AbortController().signal,
    progress: () => {},
    warn: (message) => warnings.push(message),
    output: (file) => outputs.push(file),
    log,
    runtime,
    warnings,
    outputs,
  };
}
