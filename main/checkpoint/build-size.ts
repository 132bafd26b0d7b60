// How much memory a checkpoint's largest network (the U-Net) will hold once built, from the header
// alone: its tensor elements × the build dtype's size. LoadCheckpoint checks it against the memory
// limits before spending minutes building an SDXL U-Net (10.3 GB in float32) that could not load.
import { ModelInputError } from '../../nodes/widget-errors.ts';
import { checkModelFits, type MemoryLimits } from '../runtime/model-fit.ts';
import type { BuildDtype } from './build/weights.ts';
import { openTensorFile } from './open.ts';
import type { TensorSource } from './tensor-source.ts';
import { UNET_PREFIX } from './unet-structure.ts';

const DTYPE_BYTES: Record<BuildDtype, number> = { float32: 4, float16: 2 };

/** Bytes of the U-Net's weights in a `dtype` build (0 when the file has no U-Net). */
export function unetBuildBytes(src: Pick<TensorSource, 'keys' | 'info'>, dtype: BuildDtype): number {
  let elements = 0;
  for (const key of src.keys()) {
    if (key.startsWith(UNET_PREFIX)) elements += src.info(key).shape.reduce((a, b) => a * b, 1);
  }
  return elements * DTYPE_BYTES[dtype];
}

/**
 * Refuses (ModelInputError on `checkpoint`, sizes named) a checkpoint whose built U-Net cannot fit the
 * limits even with every idle model unloaded. Reads the header only.
 */
export async function checkCheckpointFits(
  path: string,
  name: string,
  dtype: BuildDtype,
  limits: MemoryLimits,
): Promise<void> {
  const file = await openTensorFile(path);
  try {
    checkModelFits(`checkpoint "${name}" (U-Net, ${dtype})`, unetBuildBytes(file, dtype), 0, limits);
  } catch (error) {
    if (error instanceof ModelInputError) throw new ModelInputError('checkpoint', error.message);
    throw error;
  } finally {
    await file.close();
  }
}
