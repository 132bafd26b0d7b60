// After an import, each checkpoint, pipeline or LoRA a graph names but the model folders lack is looked
// for: first by name with a file extension (A1111 writes "Model: name" and <lora:name:w> without one),
// then by the hash the file recorded (a ComfyUI workflow's sha256, or A1111's 10- or 8-digit
// `Model hash`). A match rewrites the loader to the file found; the report says which file matched,
// or where it looked.
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { filesUnder } from '../checkpoint/scan.ts';
import { categoryFolders } from '../runtime/model-folders.ts';
import { fileSha256 } from '../runtime/model-hash.ts';
import { recordedSha256 } from '../runtime/model-resolve.ts';
import { scanModels } from '../runtime/model-scan.ts';
import { a1111OldHash, hashKind } from './a1111-hash.ts';
import { CHECKPOINT_LOADERS, LORA_LOADER } from './comfy/classes-basic.ts';
import type { ModelMatch } from './comfy/types.ts';
import type { ImportResult } from './import-file.ts';

const FILE_EXTENSIONS = ['.safetensors', '.ckpt', '.pt', '.pth'];

type GraphNode = { type: string; widgets?: Record<string, unknown> };

/** A loader the matcher knows: the folders its files live in, and the loader a matched file needs. */
interface Loader {
  type: string;
  widget: string;
  /** Category folder of its files; a pipeline (null) lives in the search path, or is a checkpoint file. */
  category: 'checkpoints' | 'loras' | null;
}

const LOADERS: readonly Loader[] = [
  { ...CHECKPOINT_LOADERS.file, category: 'checkpoints' },
  { ...CHECKPOINT_LOADERS.folder, category: null },
  { ...LORA_LOADER, category: 'loras' },
];
const CHECKPOINT_FILE = LOADERS[0];

interface Found {
  loader: Loader;
  name: string;
  folder: string;
  by: NonNullable<ModelMatch['by']>;
}

interface Folders {
  searchPath: readonly string[];
  byCategory: Record<'checkpoints' | 'loras', string[]>;
}

/** A name that stays inside the folder it is joined to (anything else is left to the run to refuse). */
const plainName = (name: string) => !isAbsolute(name) && !name.split(/[\\/]/).includes('..');

const existsIn = (folders: readonly string[], name: string) =>
  plainName(name) && folders.some((folder) => existsSync(join(folder, name)));

/** Where a loader's own name is looked up, and where files matching it by name or hash are. */
function lookIn(loader: Loader, folders: Folders): { own: readonly string[]; files: readonly string[] } {
  if (loader.category === null) return { own: folders.searchPath, files: folders.byCategory.checkpoints };
  const own = folders.byCategory[loader.category];
  return { own, files: own };
}

/** A matched file is loaded by its own category's loader (a pipeline name can turn into a checkpoint). */
const fileLoader = (loader: Loader) => (loader.category === null ? CHECKPOINT_FILE : loader);

async function hashMatches(path: string, hash: string, kind: ReturnType<typeof hashKind>): Promise<boolean> {
  if (kind === 'a1111-old') return (await a1111OldHash(path)) === hash;
  const sha256 = await fileSha256(path);
  return kind === 'sha256' ? sha256 === hash : sha256.startsWith(hash);
}

async function findByHash(loader: Loader, hash: string, folders: Folders): Promise<Found | undefined> {
  const kind = hashKind(hash);
  if (!kind) return undefined;
  for (const folder of lookIn(loader, folders).files) {
    for (const path of await filesUnder(folder)) {
      if (!(await hashMatches(path, hash, kind))) continue;
      const name = relative(folder, path).split('\\').join('/');
      return { loader: fileLoader(loader), name, folder, by: kind };
    }
  }
  // A1111's hashes are of single files; a workflow's sha256 may also name a pipeline folder.
  if (kind !== 'sha256' || loader.category !== null) return undefined;
  const model = (await scanModels(folders.searchPath)).find((m) => m.sha256 === hash);
  return model && { loader, name: model.name, folder: model.root, by: 'sha256' };
}

function findByName(loader: Loader, name: string, folders: Folders): Found | undefined {
  if (FILE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext))) return undefined;
  for (const folder of lookIn(loader, folders).files)
    for (const ext of FILE_EXTENSIONS)
      if (existsIn([folder], name + ext))
        return { loader: fileLoader(loader), name: name + ext, folder, by: 'name' };
  return undefined;
}

/** The node rewritten to load what was found (another loader type keeps none of the old widgets). */
function rewrite(node: GraphNode, from: Loader, found: Found): GraphNode {
  const widgets: Record<string, unknown> = found.loader === from ? { ...node.widgets } : {};
  widgets[found.loader.widget] = found.name;
  return { ...node, type: found.loader.type, widgets };
}

/**
 * Looks for every loader's model in `searchPath` (the user's model folders, then the bundled ones) and
 * rewrites loaders whose model is found only under another name; `imported.report.models` lists them.
 */
export async function matchImportedModels(
  imported: ImportResult,
  searchPath: readonly string[],
): Promise<void> {
  const { checkpoints, loras } = categoryFolders(searchPath);
  const folders: Folders = { searchPath, byCategory: { checkpoints, loras } };
  const nodes = (imported.doc.nodes ?? {}) as Record<string, GraphNode>;
  const matches: ModelMatch[] = [];
  for (const [nodeId, node] of Object.entries(nodes)) {
    const loader = LOADERS.find((l) => l.type === node.type);
    const name = loader && node.widgets?.[loader.widget];
    if (!loader || typeof name !== 'string' || name === '') continue;
    const places = lookIn(loader, folders);
    if (existsIn(places.own, name)) continue;
    const hash = imported.report.modelHashes?.[nodeId] ?? recordedSha256(imported.doc, name);
    const found =
      findByName(loader, name, folders) ?? (hash ? await findByHash(loader, hash, folders) : undefined);
    if (!found) {
      matches.push({ nodeId, name, hash, folders: [...new Set([...places.own, ...places.files])] });
      continue;
    }
    nodes[nodeId] = rewrite(node, loader, found);
    matches.push({ nodeId, name, hash, matched: found.name, by: found.by, folders: [found.folder] });
  }
  if (matches.length > 0) imported.report.models = matches;
}
