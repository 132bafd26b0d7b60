// Where things live on disk. Every folder can be overridden (CLI flags, settings, env vars).
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unpackedPath } from './util/asar-path.ts';

/** The repository / installed package root (the folder holding package.json). */
export const APP_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The default model shipped with the app; searched after the user's models folder (unpacked from asar). */
export const BUNDLED_MODELS_DIR = unpackedPath(join(APP_ROOT, 'models'));

/** Example graphs shipped with the app (templates in the editor). */
export const BUNDLED_GRAPHS_DIR = join(APP_ROOT, 'graphs');

export interface DiffgraphPaths {
  models: string;
  input: string;
  output: string;
  graphs: string;
}

/** DIFFGRAPH_MODELS may list several folders, separated by the platform's path delimiter. */
export function envModelRoots(env: NodeJS.ProcessEnv = process.env): string[] {
  const list = (env.DIFFGRAPH_MODELS ?? '').split(delimiter).filter((p) => p.trim() !== '');
  return [...new Set(list.map((p) => resolve(p)))];
}

/** Defaults: DIFFGRAPH_MODELS (its first folder) / DIFFGRAPH_HOME, else ~/Diffgraph/{models,input,output,graphs}. */
export function defaultPaths(env: NodeJS.ProcessEnv = process.env): DiffgraphPaths {
  const home = env.DIFFGRAPH_HOME ? resolve(env.DIFFGRAPH_HOME) : join(homedir(), 'Diffgraph');
  return {
    models: envModelRoots(env)[0] ?? join(home, 'models'),
    input: join(home, 'input'),
    output: join(home, 'output'),
    graphs: join(home, 'graphs'),
  };
}
