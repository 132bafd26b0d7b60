// Listing checkpoints, LoRAs, VAEs and embeddings for `diffgraph models` and the editor's pickers:
// headers only (safetensors JSON, or a torch file's pickle through the restricted reader), so a
// folder of multi-GB files lists in moments and no weight is read.
import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { categoryFolders, MODEL_CATEGORIES, type ModelCategory } from '../runtime/model-folders.ts';
import { type Detection, detectModel } from './detect.ts';
import { type OpenedTensorFile, openTensorFile } from './open.ts';
import { predictionFromMetadata } from './prediction.ts';
import type { TensorSource } from './tensor-source.ts';

export interface ModelFileInfo {
  /** Name relative to its category folder (what a picker widget holds). */
  name: string;
  category: ModelCategory;
  /** The category folder it was found in. */
  folder: string;
  format: 'safetensors' | 'torch';
  /** What the tensors say it is: detection label, e.g. "SD 1.x inpainting", "LoRA (kohya)". */
  architecture: string;
  kind: Detection['kind'] | 'unreadable';
  supported: boolean;
  /** Why it cannot be used (refusal or read error). */
  problem?: string;
  /** The most common tensor dtype (by element count). */
  dtype?: string;
  tensors?: number;
  bytes: number;
  /** Prediction type when the metadata declares one. */
  prediction?: string;
  /** `modelspec.*` and `ss_*` metadata (training fields), as stored. */
  metadata: Record<string, string>;
}

const EXPECTED_KIND: Record<ModelCategory, Detection['kind']> = {
  checkpoints: 'checkpoint',
  loras: 'lora',
  vae: 'vae',
  embeddings: 'embedding',
};

/** Checkpoint, LoRA, VAE and embedding files (also what an import matches model hashes against). */
const EXTENSIONS = new Set(['.safetensors', '.ckpt', '.pt', '.pth']);
const MAX_DEPTH = 6;

export async function filesUnder(dir: string, depth = 0): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory() && depth < MAX_DEPTH) out.push(...(await filesUnder(path, depth + 1)));
    else if (entry.isFile() && EXTENSIONS.has(extname(entry.name).toLowerCase())) out.push(path);
  }
  return out.sort();
}

function mainDtype(src: TensorSource): string | undefined {
  const counts = new Map<string, number>();
  for (const key of src.keys()) {
    const { dtype, shape } = src.info(key);
    counts.set(dtype, (counts.get(dtype) ?? 0) + shape.reduce((a, b) => a * b, 1));
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function trainingMetadata(meta: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(meta).filter(([k]) => k.startsWith('modelspec.') || k.startsWith('ss_')),
  );
}

/** Describe one file from its header; read errors become a `problem`, never an exception. */
export async function describeModelFile(
  folder: string,
  category: ModelCategory,
  path: string,
): Promise<ModelFileInfo> {
  const base = {
    name: relative(folder, path).split('\\').join('/'),
    category,
    folder,
    format: extname(path).toLowerCase() === '.safetensors' ? ('safetensors' as const) : ('torch' as const),
    bytes: (await stat(path)).size,
  };
  let src: OpenedTensorFile | undefined;
  try {
    src = await openTensorFile(path);
    const detection = detectModel(src);
    const fits = detection.kind === EXPECTED_KIND[category];
    const supported = detection.supported && fits;
    return {
      ...base,
      architecture: detection.label,
      kind: detection.kind,
      supported,
      problem: supported
        ? undefined
        : `${fits || detection.kind === 'unsupported' ? '' : `found in the ${category} folder: `}${detection.reason}`,
      dtype: mainDtype(src),
      tensors: src.keys().length,
      prediction: predictionFromMetadata(src.metadata())?.prediction,
      metadata: trainingMetadata(src.metadata()),
    };
  } catch (error) {
    const problem = (error as Error).message;
    return {
      ...base,
      architecture: 'unreadable',
      kind: 'unreadable',
      supported: false,
      problem,
      metadata: {},
    };
  } finally {
    await src?.close();
  }
}

/** Every model file in the category folders of `roots`, category by category. */
export async function scanModelFiles(roots: readonly string[]): Promise<ModelFileInfo[]> {
  const folders = categoryFolders(roots);
  const out: ModelFileInfo[] = [];
  for (const category of MODEL_CATEGORIES) {
    for (const folder of folders[category]) {
      for (const path of await filesUnder(folder)) out.push(await describeModelFile(folder, category, path));
    }
  }
  return out;
}
