// A standalone VAE weights file (.safetensors or torch .ckpt; LDM or diffusers key layout, e.g. the
// common fine-tuned SD VAEs) built once to `vae_decoder/model.onnx` + `vae_encoder/model.onnx` in the
// build cache, keyed by the file's content hash. Same rules as build-cache.ts: a temporary folder
// renamed into place, so concurrent builds never leave half a folder.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeModelWithExternalWeights } from '../onnx/external-weights.ts';
import { fileSha256 } from '../runtime/model-hash.ts';
import { buildVaeDecoder, buildVaeEncoder } from './build/vae.ts';
import { ConvertInputError } from './convert.ts';
import { openTensorFile } from './open.ts';
import type { TensorSource } from './tensor-source.ts';
import { DiffusersVaeSource, isDiffusersVae } from './vae-diffusers.ts';
import { readVaeStructure } from './vae-structure.ts';

export interface CachedVae {
  decoder: string;
  /** Absent when the file holds only a decoder. */
  encoder?: string;
  built: boolean;
}

async function buildInto(tmp: string, path: string): Promise<void> {
  const file = await openTensorFile(path).catch((error: Error) => {
    throw new ConvertInputError(error.message);
  });
  try {
    const src: TensorSource = isDiffusersVae(file) ? new DiffusersVaeSource(file) : file;
    let structure: ReturnType<typeof readVaeStructure>;
    try {
      structure = readVaeStructure(src);
    } catch (error) {
      throw new ConvertInputError(`${path} is not a VAE: ${(error as Error).message}`);
    }
    const parts: [string, typeof buildVaeDecoder][] = [['vae_decoder', buildVaeDecoder]];
    if (structure.encoder) parts.push(['vae_encoder', buildVaeEncoder]);
    for (const [sub, build] of parts) {
      await mkdir(join(tmp, sub), { recursive: true });
      await writeModelWithExternalWeights(join(tmp, sub), 'model.onnx', (sink) =>
        build(src, structure, sink),
      );
    }
  } finally {
    await file.close();
  }
}

/** The ONNX decoder/encoder of the VAE file at `path`, built into `cacheRoot` on first use. */
export async function cachedVaeBuild(cacheRoot: string, path: string): Promise<CachedVae> {
  const key = createHash('sha256')
    .update(JSON.stringify({ format: 1, vae: await fileSha256(path) }))
    .digest('hex')
    .slice(0, 32);
  const dir = join(cacheRoot, `vae-${key}`);
  const decoder = join(dir, 'vae_decoder', 'model.onnx');
  const encoderFile = join(dir, 'vae_encoder', 'model.onnx');
  const found = () => ({ decoder, encoder: existsSync(encoderFile) ? encoderFile : undefined });
  if (existsSync(decoder)) return { ...found(), built: false };
  const tmp = join(cacheRoot, `.vae-${key}.${process.pid}.${randomBytes(4).toString('hex')}`);
  try {
    await buildInto(tmp, path);
    await rename(tmp, dir).catch((error) => {
      if (!existsSync(decoder)) throw error;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { ...found(), built: true };
}
