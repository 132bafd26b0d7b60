// What LoadCheckpoint / LoadLoRA do on the Node side: find the checkpoint and LoRA files in the
// model folders (ComfyUI / A1111 / Diffgraph layouts), build them to a pipeline folder through the
// build cache (a second load only opens sessions) and load that folder as MODEL / CLIP / VAE.
import { basename } from 'node:path';
import type { CheckpointRecipe, DeviceName } from '../../nodes/api.ts';
import type { VaeModel } from '../../nodes/types.ts';
import { type InputField, ModelInputError } from '../../nodes/widget-errors.ts';
import type { BuildProgress, CachedLora } from '../checkpoint/build-cache.ts';
import { cachedBuild, cacheRootFor } from '../checkpoint/build-cache.ts';
import { checkCheckpointFits } from '../checkpoint/build-size.ts';
import { ConvertInputError } from '../checkpoint/convert.ts';
import { cachedVaeBuild } from '../checkpoint/vae-file-cache.ts';
import { autoDevices } from '../runtime/devices.ts';
import {
  type LoadContext,
  type LoadedPipeline,
  loadPipelineDir,
  loadVaePaths,
  noteAutoCpu,
} from '../runtime/loaders.ts';
import { categoryFolders, type ModelCategory } from '../runtime/model-folders.ts';
import { modelRoots, recordedSha256, resolveModel } from '../runtime/model-resolve.ts';
import { sessionPool } from '../runtime/session-pool.ts';

/** A name relative to a category folder (`x.safetensors`) or to a models root (`checkpoints/x.safetensors`). */
async function resolveIn(
  ctx: LoadContext,
  name: string,
  category: ModelCategory,
  field: InputField,
  what: string,
): Promise<string> {
  const roots = modelRoots(ctx.runtime);
  try {
    const resolved = await resolveModel({
      name,
      what,
      roots: [...categoryFolders(roots)[category], ...roots],
      sha256: recordedSha256(ctx.graph, name),
      allowAbsolute: ctx.runtime.allowAbsolutePaths,
    });
    if (resolved.notice) ctx.warn(resolved.notice);
    return resolved.path;
  } catch (error) {
    if (error instanceof ModelInputError) throw new ModelInputError(field, error.message);
    throw error;
  }
}

/** The device a widget value runs on, for choosing the build's dtype. */
async function concreteDevice(ctx: LoadContext, device: DeviceName): Promise<DeviceName> {
  const chosen = device === 'auto' ? ctx.runtime.device : device;
  return chosen === 'auto' ? (await autoDevices()).auto : chosen;
}

/** dtype auto: float32 on the CPU (ORT's CPU kernels), float16 on GPUs — the defaults. */
async function buildDtype(ctx: LoadContext, recipe: CheckpointRecipe): Promise<'float32' | 'float16'> {
  if (recipe.dtype !== 'auto') return recipe.dtype;
  return (await concreteDevice(ctx, recipe.device)) === 'cpu' ? 'float32' : 'float16';
}

/** A build error is the LoRA's when it names one of the LoRA files, else the checkpoint's. */
function buildError(error: Error, recipe: CheckpointRecipe, loras: readonly CachedLora[]): ModelInputError {
  const index = loras.findIndex((l) => error.message.includes(basename(l.path)));
  if (index >= 0) {
    const name = recipe.loras[index].lora;
    return new ModelInputError(
      'lora',
      `LoRA "${name}" does not fit checkpoint "${recipe.checkpoint}": ${error.message}`,
    );
  }
  return new ModelInputError('checkpoint', `checkpoint "${recipe.checkpoint}": ${error.message}`);
}

export async function loadCheckpoint(
  ctx: LoadContext,
  recipe: CheckpointRecipe,
  onProgress?: BuildProgress,
): Promise<LoadedPipeline> {
  await noteAutoCpu(ctx, recipe.device);
  const checkpoint = await resolveIn(ctx, recipe.checkpoint, 'checkpoints', 'checkpoint', 'checkpoint');
  const loras: CachedLora[] = [];
  for (const use of recipe.loras) {
    const path = await resolveIn(ctx, use.lora, 'loras', 'lora', 'LoRA');
    loras.push({ path, strengthModel: use.strengthModel, strengthClip: use.strengthClip });
  }
  const request = {
    checkpoint,
    loras,
    dtype: await buildDtype(ctx, recipe),
    prediction: recipe.prediction,
  } as const;
  // Before a build that could take minutes: a U-Net that cannot fit in memory is refused now.
  await checkCheckpointFits(checkpoint, recipe.checkpoint, request.dtype, sessionPool(ctx.runtime).limits);
  let dir: string;
  try {
    const cacheRoot = cacheRootFor(ctx.runtime.paths.models);
    // Built networks may keep a saved CPU-optimised copy (opt-in): a warm load skips ORT's re-layout.
    sessionPool(ctx.runtime).saveOptimisedUnder(cacheRoot);
    dir = (await cachedBuild(cacheRoot, request, onProgress, (m) => ctx.warn(m))).dir;
  } catch (error) {
    if (error instanceof ConvertInputError) throw buildError(error, recipe, loras);
    throw error;
  }
  return loadPipelineDir(ctx, dir, recipe.checkpoint, recipe.device);
}

/** A VAE weights file (LDM or diffusers layout) built once to ONNX, then opened like ONNX VAE files. */
export async function loadVaeWeights(
  ctx: LoadContext,
  file: string,
  scalingFactor: number,
  device: DeviceName,
): Promise<VaeModel> {
  await noteAutoCpu(ctx, device);
  const path = await resolveIn(ctx, file, 'vae', 'file', 'VAE file');
  let built: Awaited<ReturnType<typeof cachedVaeBuild>>;
  try {
    const cacheRoot = cacheRootFor(ctx.runtime.paths.models);
    sessionPool(ctx.runtime).saveOptimisedUnder(cacheRoot);
    built = await cachedVaeBuild(cacheRoot, path);
  } catch (error) {
    if (error instanceof ConvertInputError) throw new ModelInputError('file', error.message);
    throw error;
  }
  return loadVaePaths(
    ctx,
    { decoderPath: built.decoder, encoderPath: built.encoder, name: file },
    scalingFactor,
    device,
  );
}
