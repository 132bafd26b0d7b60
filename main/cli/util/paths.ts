// Folder and device options shared by the commands that touch models or run graphs.
import { resolve } from 'node:path';
import { DEVICE_NAMES, type DeviceName } from '../../../nodes/api.ts';
import { BUNDLED_MODELS_DIR, defaultPaths } from '../../paths.ts';
import { CliError } from '../exit.ts';

export interface FolderOptions {
  models?: string;
  input?: string;
  out?: string;
}

export interface CliPaths {
  models: string;
  input: string;
  output: string;
}

/** --models beats DIFFGRAPH_MODELS beats ~/Diffgraph/models; outputs default to ./output. */
export function resolveCliPaths(options: FolderOptions, env: NodeJS.ProcessEnv = process.env): CliPaths {
  const defaults = defaultPaths(env);
  return {
    models: options.models ? resolve(options.models) : defaults.models,
    input: options.input ? resolve(options.input) : defaults.input,
    output: resolve(options.out ?? 'output'),
  };
}

/** Where model names are looked up: the user's folder first, then the model shipped with the app. */
export function modelSearchPath(paths: CliPaths): string[] {
  return paths.models === BUNDLED_MODELS_DIR ? [paths.models] : [paths.models, BUNDLED_MODELS_DIR];
}

export function parseDevice(text: string): DeviceName {
  if ((DEVICE_NAMES as readonly string[]).includes(text)) return text as DeviceName;
  throw new CliError([`--device ${text}: expected one of ${DEVICE_NAMES.join(', ')}`]);
}
