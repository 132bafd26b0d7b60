// Turning a `model`/`file` widget value into a path: the user's models folder first, then the
// runtime's search path (the bundled default model). Names stay inside those folders (symlinks
// included); absolute paths only where the runtime allows them (the CLI). When the graph
// records a content hash, a same-named model with other content is passed over for one that
// matches, and a renamed model is found by its hash.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { RuntimeServices } from '../../nodes/api.ts';
import { ModelInputError } from '../../nodes/widget-errors.ts';
import { modelSha256, scanModels } from './model-scan.ts';
import { confinePath, PathRefusedError } from './user-paths.ts';

export interface ResolveRequest {
  /** The widget value: a name relative to a models folder, or an absolute path. */
  name: string;
  roots: readonly string[];
  /** Content hash recorded in the graph, if any. */
  sha256?: string;
  /** What is expected there, for the error message ("pipeline folder", "ONNX file"). */
  what: string;
  /** Accept absolute paths outside `roots` (RuntimeServices.allowAbsolutePaths; default false). */
  allowAbsolute?: boolean;
}

export interface ResolvedModel {
  path: string;
  /** Set when the hash did not match or the model was found under another name. */
  notice?: string;
}

export function modelRoots(runtime: RuntimeServices): string[] {
  return [...new Set([runtime.paths.models, ...runtime.modelSearchPath])];
}

/** The sha256 a graph document records for a model name (`models: [{name, sha256}]`). */
export function recordedSha256(graph: unknown, name: string): string | undefined {
  const models = (graph as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) return undefined;
  const entry = models.find((m) => m && typeof m === 'object' && (m as { name?: unknown }).name === name);
  const sha = (entry as { sha256?: unknown } | undefined)?.sha256;
  return typeof sha === 'string' && sha !== '' ? sha.toLowerCase() : undefined;
}

function describe(request: ResolveRequest): string {
  return `${request.what} "${request.name}"${request.sha256 ? ` (sha256 ${request.sha256})` : ''}`;
}

/** The existing paths `name` may mean, one per root (refusing names that leave the roots). */
function candidatePaths(request: ResolveRequest, name: string): string[] {
  const rule = { what: request.what, allowed: request.roots, allowAbsolute: request.allowAbsolute ?? false };
  try {
    const paths = request.roots.map((root) => confinePath(name, root, rule));
    return [...new Set(paths)].filter((p) => existsSync(p));
  } catch (error) {
    if (error instanceof PathRefusedError) throw new ModelInputError('file', error.message);
    throw error;
  }
}

async function findByHash(request: ResolveRequest): Promise<string | undefined> {
  if (!request.sha256) return undefined;
  const found = (await scanModels(request.roots)).find((m) => m.sha256 === request.sha256);
  return found && join(found.root, found.name);
}

export async function resolveModel(request: ResolveRequest): Promise<ResolvedModel> {
  const name = request.name.trim();
  if (name === '') throw new ModelInputError('file', `no ${request.what} chosen`);
  const candidates = candidatePaths(request, name);
  if (request.sha256) {
    for (const path of candidates) if ((await modelSha256(path)) === request.sha256) return { path };
    const byHash = await findByHash(request);
    if (byHash)
      return { path: byHash, notice: `${describe(request)} found by its content hash at ${byHash}` };
    if (candidates.length > 0) {
      const actual = await modelSha256(candidates[0]);
      return {
        path: candidates[0],
        notice: `${candidates[0]} has sha256 ${actual}, not the ${request.sha256} the graph records (a different version of the model?)`,
      };
    }
  }
  if (candidates.length > 0) return { path: candidates[0] };
  const looked = isAbsolute(name) ? [name] : request.roots.map((root) => join(root, name));
  throw new ModelInputError('file', `${describe(request)} not found; looked in: ${looked.join(', ')}`);
}
