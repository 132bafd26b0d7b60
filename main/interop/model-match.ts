// After an import, each checkpoint or pipeline a graph names but the model folders lack is looked for:
// first by name with a checkpoint extension (A1111 writes "Model: name" without one), then by the hash
// the file recorded (a ComfyUI workflow's sha256, or A1111's 10- or 8-digit `Model hash`). A match
// rewrites the loader to the file found; the report says which file matched, or where it looked.
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { filesUnder } from '../checkpoint/scan.ts';
import { categoryFolders } from '../runtime/model-folders.ts';
import { fileSha256 } from '../runtime/model-hash.ts';
import { recordedSha256 } from '../runtime/model-resolve.ts';
import { scanModels } from '../runtime/model-scan.ts';
import { a1111OldHash, hashKind } from './a1111-hash.ts';
import { CHECKPOINT_LOADERS } from './comfy/classes-basic.ts';
import type { ModelMatch } from './comfy/types.ts';
import type { ImportResult } from './import-file.ts';

const CHECKPOINT_EXTENSIONS = ['.safetensors', '.ckpt', '.pt', '.pth'];

type GraphNode = { type: string; widgets?: Record<string, unknown> };

interface Found {
  type: string;
  name: string;
  folder: string;
  by: NonNullable<ModelMatch['by']>;
}

/** A name that stays inside the folder it is joined to (anything else is left to the run to refuse). */
const plainName = (name: string) => !isAbsolute(name) && !name.split(/[\\/]/).includes('..');

const existsIn = (folders: readonly string[], name: string) =>
  plainName(name) && folders.some((folder) => existsSync(join(folder, name)));

async function checkpointFiles(folders: readonly string[]): Promise<{ folder: string; path: string }[]> {
  const out: { folder: string; path: string }[] = [];
  for (const folder of folders) for (const path of await filesUnder(folder)) out.push({ folder, path });
  return out;
}

async function hashMatches(path: string, hash: string, kind: ReturnType<typeof hashKind>): Promise<boolean> {
  if (kind === 'a1111-old') return (await a1111OldHash(path)) === hash;
  const sha256 = await fileSha256(path);
  return kind === 'sha256' ? sha256 === hash : sha256.startsWith(hash);
}

async function findByHash(
  hash: string,
  checkpointFolders: readonly string[],
  searchPath: readonly string[],
): Promise<Found | undefined> {
  const kind = hashKind(hash);
  if (!kind) return undefined;
  for (const { folder, path } of await checkpointFiles(checkpointFolders)) {
    if (await hashMatches(path, hash, kind)) {
      const name = relative(folder, path).split('\\').join('/');
      return { type: CHECKPOINT_LOADERS.file.type, name, folder, by: kind };
    }
  }
  if (kind !== 'sha256') return undefined; // A1111's hashes are of single checkpoint files
  const model = (await scanModels(searchPath)).find((m) => m.sha256 === hash);
  return (
    model && { type: CHECKPOINT_LOADERS.folder.type, name: model.name, folder: model.root, by: 'sha256' }
  );
}

function findByName(name: string, checkpointFolders: readonly string[]): Found | undefined {
  if (CHECKPOINT_LOADERS.file.extensions.test(name)) return undefined;
  for (const folder of checkpointFolders)
    for (const ext of CHECKPOINT_EXTENSIONS)
      if (existsIn([folder], name + ext))
        return { type: CHECKPOINT_LOADERS.file.type, name: name + ext, folder, by: 'name' };
  return undefined;
}

/**
 * Looks for every loader's model in `searchPath` (the user's model folders, then the bundled ones) and
 * rewrites loaders whose model is found only under another name; `imported.report.models` lists them.
 */
export async function matchImportedModels(
  imported: ImportResult,
  searchPath: readonly string[],
): Promise<void> {
  const checkpointFolders = categoryFolders(searchPath).checkpoints;
  const nodes = (imported.doc.nodes ?? {}) as Record<string, GraphNode>;
  const matches: ModelMatch[] = [];
  for (const [nodeId, node] of Object.entries(nodes)) {
    const loader = Object.values(CHECKPOINT_LOADERS).find((l) => l.type === node.type);
    const name = loader && node.widgets?.[loader.widget];
    if (!loader || typeof name !== 'string' || name === '') continue;
    const folders = loader === CHECKPOINT_LOADERS.file ? checkpointFolders : searchPath;
    if (existsIn(folders, name)) continue;
    const hash = imported.report.modelHashes?.[nodeId] ?? recordedSha256(imported.doc, name);
    const found =
      findByName(name, checkpointFolders) ??
      (hash ? await findByHash(hash, checkpointFolders, searchPath) : undefined);
    if (!found) {
      matches.push({ nodeId, name, hash, folders: [...new Set([...folders, ...checkpointFolders])] });
      continue;
    }
    // Another loader type keeps none of the old widgets; the same type keeps all but the name.
    const widgets = found.type === loader.type ? { ...node.widgets } : {};
    widgets[widgetOf(found.type)] = found.name;
    nodes[nodeId] = { ...node, type: found.type, widgets };
    matches.push({ nodeId, name, hash, matched: found.name, by: found.by, folders: [found.folder] });
  }
  if (matches.length > 0) imported.report.models = matches;
}

function widgetOf(type: string): string {
  return type === CHECKPOINT_LOADERS.file.type
    ? CHECKPOINT_LOADERS.file.widget
    : CHECKPOINT_LOADERS.folder.widget;
}
