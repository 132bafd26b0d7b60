// ctx.services.embeddings: `embedding:name` resolved as ComfyUI resolves it — the name as written,
// then with .safetensors, .pt or .bin, in each embeddings folder of the models roots (Diffgraph,
// ComfyUI and A1111 layouts; see model-folders.ts), never outside those folders.
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { EmbeddingLoader, LoadedEmbedding } from '../../nodes/text/embedding-service.ts';
import { readEmbedding, type SdxlEncoderSlot } from '../checkpoint/embedding.ts';
import { openTensorFile } from '../checkpoint/open.ts';
import { categoryFolders } from '../runtime/model-folders.ts';
import { modelRoots } from '../runtime/model-resolve.ts';
import type { ServiceScope } from './index.ts';

const EXTENSIONS = ['', '.safetensors', '.pt', '.bin'];

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first file `name` names inside one of `folders`, or null. */
export function findEmbedding(name: string, folders: readonly string[]): string | null {
  if (name === '' || isAbsolute(name)) return null;
  for (const folder of folders) {
    for (const ext of EXTENSIONS) {
      const path = resolve(folder, name + ext);
      const inside = relative(folder, path);
      if (inside.startsWith('..') || isAbsolute(inside)) continue;
      if (isFile(path)) return path;
    }
  }
  return null;
}

export async function loadEmbeddingFile(
  path: string,
  name: string,
  width: number,
  slot?: SdxlEncoderSlot,
): Promise<LoadedEmbedding> {
  const file = await openTensorFile(path);
  try {
    const embedding = await readEmbedding(file, width, slot);
    const vectors = embedding.vectors.get(slot ?? 'default')?.values ?? new Float32Array(0);
    return { file: path, tokens: embedding.tokens, vectors };
  } catch (error) {
    throw new Error(`embedding:${name}: ${(error as Error).message}`);
  } finally {
    await file.close();
  }
}

export function createEmbeddingLoader({ runtime }: Pick<ServiceScope, 'runtime'>): EmbeddingLoader {
  return {
    async load(name, width, slot) {
      const folders = categoryFolders(modelRoots(runtime)).embeddings;
      const path = findEmbedding(name, folders);
      if (!path) {
        const where =
          folders.length > 0
            ? `searched ${folders.join(', ')}`
            : `no embeddings folder in ${modelRoots(runtime).join(', ')}`;
        throw new Error(
          `embedding:${name} not found (looked for ${name}, ${name}.safetensors, ${name}.pt, ${name}.bin; ${where})`,
        );
      }
      return loadEmbeddingFile(path, name, width, slot);
    },
  };
}
