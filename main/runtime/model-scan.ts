// Finding models on disk: diffusers ONNX pipeline folders (model_index.json) and single .onnx
// files recognised by their inputs, each with a content hash graphs can record.

import type { Dirent } from 'node:fs';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { describeFsError } from '../util/fs-errors.ts';
import { filesSha256 } from './model-hash.ts';
import { describeValue, readOnnxHeader } from './onnx-header.ts';
import { classifySlot, type Slot } from './slot-signatures.ts';

export interface ModelInfo {
  /** Name relative to its models folder (what `model`/`file` widgets hold). */
  name: string;
  /** The folder it was found in (user models folder or the bundled one). */
  root: string;
  kind: 'pipeline' | Slot | 'unknown';
  layout: 'diffusers-onnx' | 'single-file';
  /** Content hash (hex sha256 of the model files' bytes), recorded in graphs. */
  sha256: string;
  /** Input and output names with element types and shapes, for display. */
  inputs: string[];
  bytes: number;
}

const MAX_DEPTH = 6;
const PIPELINE_PARTS = ['text_encoder', 'text_encoder_2', 'unet', 'vae_decoder', 'vae_encoder'] as const;

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function visible(name: string): boolean {
  return !name.startsWith('.') && name !== 'node_modules';
}

/** Every regular, non-hidden file below `dir`. */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!visible(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

async function totalBytes(files: readonly string[]): Promise<number> {
  let total = 0;
  for (const file of files) total += (await stat(file)).size;
  return total;
}

/** The files that make up a model: a pipeline folder's files, or an .onnx plus its external data. */
export async function modelFiles(path: string): Promise<string[]> {
  if ((await stat(path)).isDirectory()) return listFiles(path);
  try {
    const header = await readOnnxHeader(path);
    // External data lives beside the model: a location leading elsewhere is not the model's (nor hashed).
    const dir = dirname(path);
    const beside = header.externalData
      .map((f) => join(dir, f))
      .filter((f) => isInside(resolve(dir), resolve(f)));
    return [path, ...beside.filter((f) => existsSync(f))];
  } catch {
    return [path];
  }
}

/** The content hash recorded in graphs for the model at `path` (folder or file). */
export async function modelSha256(path: string): Promise<string> {
  const files = await modelFiles(path);
  return filesSha256((await stat(path)).isDirectory() ? path : dirname(path), files);
}

async function describePipeline(root: string, dir: string): Promise<ModelInfo> {
  const files = await listFiles(dir);
  const inputs: string[] = [];
  for (const part of PIPELINE_PARTS) {
    const file = join(dir, part, 'model.onnx');
    if (!existsSync(file)) continue;
    try {
      const header = await readOnnxHeader(file);
      inputs.push(...header.inputs.map((i) => `${part}: ${describeValue(i)}`));
    } catch (error) {
      inputs.push(`${part}: unreadable (${(error as Error).message})`);
    }
  }
  return {
    name: relative(root, dir).split('\\').join('/'),
    root,
    kind: 'pipeline',
    layout: 'diffusers-onnx',
    sha256: await filesSha256(dir, files),
    inputs,
    bytes: await totalBytes(files),
  };
}

async function describeSingle(root: string, file: string): Promise<ModelInfo> {
  const files = await modelFiles(file);
  let kind: ModelInfo['kind'] = 'unknown';
  let inputs: string[];
  try {
    const header = await readOnnxHeader(file);
    kind = classifySlot(header) ?? 'unknown';
    inputs = header.inputs.map(describeValue);
  } catch (error) {
    inputs = [`unreadable: ${(error as Error).message}`];
  }
  return {
    name: relative(root, file).split('\\').join('/'),
    root,
    kind,
    layout: 'single-file',
    sha256: await filesSha256(dirname(file), files),
    inputs,
    bytes: await totalBytes(files),
  };
}

/** Something in a models folder that could not be read; the scan lists everything else. */
export interface ScanProblem {
  path: string;
  message: string;
}

async function walk(
  root: string,
  dir: string,
  depth: number,
  out: ModelInfo[],
  problems: ScanProblem[],
): Promise<void> {
  // One unreadable folder or file is reported and skipped; it must not hide the other models.
  const attempt = async (path: string, action: () => Promise<void>) => {
    try {
      await action();
    } catch (error) {
      problems.push({ path, message: describeFsError(error) });
    }
  };
  if (existsSync(join(dir, 'model_index.json'))) {
    await attempt(dir, async () => void out.push(await describePipeline(root, dir)));
    return;
  }
  if (depth > MAX_DEPTH) return;
  let entries: Dirent[] = [];
  await attempt(dir, async () => {
    entries = await readdir(dir, { withFileTypes: true });
  });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!visible(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(root, path, depth + 1, out, problems);
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.onnx'))
      await attempt(path, async () => void out.push(await describeSingle(root, path)));
  }
}

/**
 * Every model under the given folders, in folder order (missing folders are skipped). Folders
 * and files that cannot be read are added to `problems` (when given) and skipped.
 */
export async function scanModels(
  roots: readonly string[],
  problems: ScanProblem[] = [],
): Promise<ModelInfo[]> {
  const out: ModelInfo[] = [];
  for (const root of new Set(roots)) {
    if (existsSync(root) && (await stat(root)).isDirectory()) await walk(root, root, 0, out, problems);
  }
  return out;
}
