// The RuntimeServices a process hands its engine: folders, default device and process-wide
// singletons (e.g. the ONNX session pool) created on first use.
import type { DeviceName, RuntimeServices } from '../../nodes/api.ts';
import { BUNDLED_MODELS_DIR } from '../paths.ts';

export interface RuntimeServicesOptions {
  paths: { models: string; input: string; output: string };
  device?: DeviceName;
  /** Extra model folders after `paths.models`; the bundled model folder is always searched last. */
  modelSearchPath?: readonly string[];
  /** Absolute paths in graph widgets anywhere: true only for the CLI (default false). */
  allowAbsolutePaths?: boolean;
}

export function createRuntimeServices(options: RuntimeServicesOptions): RuntimeServices {
  const services = new Map<string, unknown>();
  const searchPath = [...(options.modelSearchPath ?? [])];
  if (!searchPath.includes(BUNDLED_MODELS_DIR)) searchPath.push(BUNDLED_MODELS_DIR);
  return {
    paths: { ...options.paths },
    modelSearchPath: searchPath,
    device: options.device ?? 'auto',
    allowAbsolutePaths: options.allowAbsolutePaths ?? false,
    service<T>(key: string, create: () => T): T {
      if (!services.has(key)) services.set(key, create());
      return services.get(key) as T;
    },
  };
}
