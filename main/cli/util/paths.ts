// Folder and device options shared by the commands that touch models or run graphs.
import { resolve } from 'node:path';
import { DEVICE_NAMES, type DeviceName } from '../../../nodes/api.ts';
import { BUNDLED_MODELS_DIR, defaultPaths, envModelRoots } from '../../paths.ts';
import { splitModelRoots } from '../../runtime/model-folders.ts';
import { CliError } from '../exit.ts';

export interface FolderOptions {
  /** One folder, several (repeated option), or a path-delimiter separated list. */
  models?: string | string[];
  input?: string;
  out?: string;
}

export interface CliPaths {
  models: string;
  /** Further model folders named by --models or DIFFGRAPH_MODELS, searched after `models`. */
  extraModels: string[];
  input: string;
  output: string;
}

/** --models beats DIFFGRAPH_MODELS beats ~/Diffgraph/models (each may name several folders); outputs default to ./output. */
export function resolveCliPaths(options: FolderOptions, env: NodeJS.ProcessEnv = process.env): CliPaths {
  const defaults = defaultPaths(env);
  const given = splitModelRoots(options.models);
  const roots = given.length > 0 ? given : envModelRoots(env);
  return {
    models: roots[0] ?? defaults.models,
    extraModels: roots.slice(1),
    input: options.input ? resolve(options.input) : defaults.input,
    output: resolve(options.out ?? 'output'),
  };
}

/** Where model names are looked up: the user's folder first, then the model shipped with the app. */
export function modelSearchPath(paths: CliPaths): string[] {
  return [...new Set([paths.models, ...paths.extraModels, BUNDLED_MODELS_DIR])];
}

export function parseDevice(text: string): DeviceName {
  if ((DEVICE_NAMES as readonly string[]).includes(text)) return text as DeviceName;
  throw new CliError([`--device ${text}: expected one of ${DEVICE_NAMES.join(', ')}`]);
}
