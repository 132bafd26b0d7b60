// Built checkpoints, cached: a converted pipeline folder (diffusers ONNX layout, written by
// `convertCheckpoint`) per (checkpoint content, build options, LoRA set, VAE file). A LoRA set is a
// variant of the LoRA-free build: only the tensors the LoRAs touch are merged and written, the rest
// is hard-linked (lora-variant.ts), so a changed strength costs those tensors, not a rebuild. The cache lives
// in `<models folder>/.diffgraph-cache/builds/<key>/` — beside the models it was built from, on the
// same disk, and hidden from model scans (dot folders are skipped). The checkpoint's hash comes from
// the size+mtime hash cache (model-hash.ts), so a multi-GB file is hashed once, not per load.
//
// Concurrency: each build writes to its own temporary folder and is renamed onto the key's folder
// at the end; a build that loses the race (the folder appeared meanwhile) discards its copy, so a
// reader never sees half a folder. Loads of one key in this process share one build.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileSha256 } from '../runtime/model-hash.ts';
import { EXTRA_TOKENS_FILE } from './build/text-encoder-extra-tokens.ts';
import type { BuildDtype } from './build/weights.ts';
import { convertCheckpoint } from './convert.ts';
import { buildLoraVariant } from './lora-variant.ts';
import type { Prediction } from './prediction.ts';

export const CACHE_FOLDER = '.diffgraph-cache';

export interface CachedLora {
  path: string;
  strengthModel: number;
  strengthClip: number;
}

export interface BuildRequest {
  checkpoint: string;
  loras?: readonly CachedLora[];
  /** A separate VAE file (LDM or diffusers key layout) replacing the checkpoint's. */
  vae?: string;
  dtype: BuildDtype;
  attention?: 'fused' | 'unfused';
  prediction: Prediction | 'auto';
}

export interface CachedBuild {
  dir: string;
  /** False when the folder was already in the cache. */
  built: boolean;
  key: string;
}

/** A network finished (or started): `done` of `total` networks, named by `label`. */
export type BuildProgress = (done: number, total: number, label: string) => void;

const NETWORKS = ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder'];
const inFlight = new Map<string, Promise<CachedBuild>>();
let buildsRun = 0;
let variantsRun = 0;

/** How many builds this process ran (tests check that a second load hits the cache). */
export function buildsStarted(): number {
  return buildsRun;
}

/** How many of them were LoRA variants (touched tensors re-merged over a LoRA-free build). */
export function variantBuildsStarted(): number {
  return variantsRun;
}

/**
 * A finished build this version would write the same way: builds from older versions lack the
 * extra-token text encoders (textual-inversion embeddings) beside each text encoder.
 */
function isCurrentBuild(dir: string): boolean {
  return ['text_encoder', 'text_encoder_2'].every(
    (sub) => !existsSync(join(dir, sub, 'model.onnx')) || existsSync(join(dir, sub, EXTRA_TOKENS_FILE)),
  );
}

/** Swap a fresh build in for an outdated one: the old folder is moved aside first, then removed. */
async function replaceOutdated(dir: string, fresh: string): Promise<void> {
  const aside = `${fresh}.outdated`;
  await rename(dir, aside);
  await rename(fresh, dir);
  await rm(aside, { recursive: true, force: true });
}

/** The cache key: content hashes, never paths, so a renamed model keeps its build. */
export async function buildKey(request: BuildRequest): Promise<string> {
  const loras = [];
  for (const lora of request.loras ?? []) {
    loras.push({ sha256: await fileSha256(lora.path), model: lora.strengthModel, clip: lora.strengthClip });
  }
  const parts = {
    format: 2,
    checkpoint: await fileSha256(request.checkpoint),
    vae: request.vae ? await fileSha256(request.vae) : null,
    dtype: request.dtype,
    attention: request.attention ?? null,
    prediction: request.prediction,
    loras,
  };
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

/** The whole pipeline converted from the checkpoint (and its VAE file) into `tmp`. */
function loraRequests(request: BuildRequest) {
  return (request.loras ?? []).map((l) => ({
    path: l.path,
    strength: l.strengthModel,
    strengthClip: l.strengthClip,
  }));
}

async function fullBuild(
  tmp: string,
  request: BuildRequest,
  onNetwork: (n: string) => void,
  onWarning?: (m: string) => void,
) {
  await convertCheckpoint({
    checkpoint: request.checkpoint,
    out: tmp,
    loras: loraRequests(request),
    vae: request.vae,
    dtype: request.dtype,
    attention: request.attention,
    prediction: request.prediction,
    onProgress: onNetwork,
    onWarning,
  });
}

/** The LoRA-free build (cached), then only the LoRA-touched tensors re-merged over it into `tmp`. */
async function variantBuild(
  cacheRoot: string,
  tmp: string,
  request: BuildRequest,
  onNetwork: (n: string) => void,
  onWarning?: (m: string) => void,
) {
  const base = await cachedBuild(cacheRoot, { ...request, loras: [] }, undefined, onWarning);
  variantsRun += 1;
  await buildLoraVariant({
    baseDir: base.dir,
    out: tmp,
    checkpoint: request.checkpoint,
    loras: loraRequests(request),
    dtype: request.dtype,
    attention: request.attention,
    onProgress: onNetwork,
    onWarning,
  });
}

async function build(
  cacheRoot: string,
  key: string,
  request: BuildRequest,
  onProgress?: BuildProgress,
  onWarning?: (message: string) => void,
): Promise<CachedBuild> {
  const dir = join(cacheRoot, key);
  const cached = existsSync(join(dir, 'model_index.json'));
  if (cached && isCurrentBuild(dir)) return { dir, built: false, key };
  buildsRun += 1;
  await mkdir(cacheRoot, { recursive: true });
  const tmp = join(cacheRoot, `.${key}.${process.pid}.${randomBytes(4).toString('hex')}`);
  let done = 0;
  const onNetwork = (network: string) => onProgress?.(done++, NETWORKS.length, network);
  try {
    if ((request.loras ?? []).length > 0) await variantBuild(cacheRoot, tmp, request, onNetwork, onWarning);
    else await fullBuild(tmp, request, onNetwork, onWarning);
    onProgress?.(NETWORKS.length, NETWORKS.length, 'done');
    if (cached) await replaceOutdated(dir, tmp);
    else await rename(tmp, dir);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    // Another process finished the same key first: keep its folder, drop ours.
    if (cached || !existsSync(join(dir, 'model_index.json'))) throw error;
  }
  return { dir, built: true, key };
}

/** The cache folder for `modelsRoot` (the user's first models folder). */
export function cacheRootFor(modelsRoot: string): string {
  return join(modelsRoot, CACHE_FOLDER, 'builds');
}

/**
 * The pipeline folder for `request`, built on first use. Warnings (LoRA keys that matched no
 * weight) are reported only by the call that builds.
 */
export async function cachedBuild(
  cacheRoot: string,
  request: BuildRequest,
  onProgress?: BuildProgress,
  onWarning?: (message: string) => void,
): Promise<CachedBuild> {
  const key = await buildKey(request);
  const id = join(cacheRoot, key);
  const pending = inFlight.get(id);
  if (pending) return { ...(await pending), built: false };
  const promise = build(cacheRoot, key, request, onProgress, onWarning);
  inFlight.set(id, promise);
  try {
    return await promise;
  } finally {
    inFlight.delete(id);
  }
}
