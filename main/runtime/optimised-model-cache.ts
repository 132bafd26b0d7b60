// CPU sessions through a saved optimised model. ONNX Runtime's 'all' optimisation level rewrites
// convolutions into its NCHWc layout and reorders their weights at session creation: about 5 s for
// an SD 1.5 U-Net on 2 cores, every load. The first 'all' session of a model writes its optimised
// graph (ORT's `optimizedModelFilePath`, weights as external data) into a folder beside the model;
// later loads open that graph, whose weights are already re-laid out, and skip the rewrite. The saved graph holds CPU-only NCHWc operators whose block size follows the CPU's vector
// width, so it is keyed by ORT version, CPU model and the source files (name, size, mtime) and used
// for the CPU execution provider only. A saved copy that is incomplete, mismatched or refused by ORT
// is deleted and rebuilt; saving that fails (read-only folder, full disk) falls back to a plain load.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { arch, cpus } from 'node:os';
import { basename, dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { cachedOnnxHeader } from './onnx-header.ts';

/** The folder beside a model that holds its saved optimised copies: `<model file name>/<key>/`. */
export const OPTIMISED_FOLDER = '.optimised-cpu';
const MODEL = 'model.onnx';
const DATA = 'model.onnx_data';
const MANIFEST = 'manifest.json';
const FORMAT = 1;

interface Manifest {
  format: number;
  key: string;
  /** Byte sizes of the saved files: a truncated copy is detected without reading it. */
  sizes: Record<string, number>;
  /** sha256 of the saved graph file (small; the weights are checked by size). */
  graphSha256: string;
}

export interface OptimisedSession {
  session: ort.InferenceSession;
  /** 'saved': opened from the saved copy; 'built': optimised now and saved; 'plain': saving failed. */
  source: 'saved' | 'built' | 'plain';
  /** The saved optimised model file (absent for 'plain'). */
  optimisedPath?: string;
}

/** What the saved graph depends on: ORT's optimiser, the CPU it targeted, and the source files. */
export async function optimisedKey(modelPath: string): Promise<string> {
  const files = [
    modelPath,
    ...(await cachedOnnxHeader(modelPath)).externalData.map((f) => join(dirname(modelPath), f)),
  ];
  const sources = [];
  for (const file of files) {
    const info = await stat(file);
    sources.push({ name: basename(file), size: info.size, mtimeMs: info.mtimeMs });
  }
  const parts = {
    format: FORMAT,
    ort: ort.env.versions.common,
    arch: arch(),
    cpu: cpus()[0]?.model ?? 'unknown',
    level: 'all',
    sources,
  };
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

/** Where the saved copy of `modelPath` for `key` lives. */
export function optimisedModelPath(modelPath: string, key: string): string {
  return join(dirname(modelPath), OPTIMISED_FOLDER, basename(modelPath), key, MODEL);
}

async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** True when the folder's manifest names `key` and every saved file has its recorded size and hash. */
async function savedCopyIntact(folder: string, key: string): Promise<boolean> {
  try {
    const manifest = JSON.parse(await readFile(join(folder, MANIFEST), 'utf8')) as Manifest;
    if (manifest.format !== FORMAT || manifest.key !== key) return false;
    for (const [name, size] of Object.entries(manifest.sizes)) {
      if ((await stat(join(folder, name))).size !== size) return false;
    }
    return (await sha256Of(join(folder, MODEL))) === manifest.graphSha256;
  } catch {
    return false;
  }
}

/** Session options with ORT's session config entries merged in (keeps the caller's `extra`). */
function withSessionConfig(
  options: ort.InferenceSession.SessionOptions,
  entries: Record<string, string>,
): ort.InferenceSession.SessionOptions {
  const extra = (options.extra ?? {}) as { session?: Record<string, unknown> };
  return { ...options, extra: { ...extra, session: { ...(extra.session ?? {}), ...entries } } };
}

/** Writes the manifest into `tmp` and renames tmp onto `folder`; false when that failed. */
async function publish(tmp: string, folder: string, key: string): Promise<boolean> {
  try {
    const sizes: Record<string, number> = {};
    for (const name of [MODEL, DATA]) {
      if (existsSync(join(tmp, name))) sizes[name] = (await stat(join(tmp, name))).size;
    }
    const manifest: Manifest = { format: FORMAT, key, sizes, graphSha256: await sha256Of(join(tmp, MODEL)) };
    await writeFileAtomic(join(tmp, MANIFEST), `${JSON.stringify(manifest)}\n`);
    await rm(folder, { recursive: true, force: true });
    await rename(tmp, folder);
    return true;
  } catch {
    // A concurrent load published the same key first (or the disk refused): keep theirs, drop ours.
    return false;
  }
}

/** The 'all' session, its optimised graph saved into a temporary folder and then published. */
async function buildAndSave(
  modelPath: string,
  key: string,
  folder: string,
  options: ort.InferenceSession.SessionOptions,
): Promise<{ session: ort.InferenceSession; saved: boolean }> {
  const tmp = join(dirname(folder), `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(tmp, { recursive: true });
    const session = await ort.InferenceSession.create(modelPath, {
      ...withSessionConfig(options, { optimized_model_external_initializers_file_name: DATA }),
      graphOptimizationLevel: 'all',
      optimizedModelFilePath: join(tmp, MODEL),
    });
    return { session, saved: await publish(tmp, folder, key) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Saved copies for other keys (another ORT version, a rebuilt source) are dead weight. */
async function removeOtherKeys(root: string, key: string): Promise<void> {
  const entries = await readdir(root).catch(() => [] as string[]);
  for (const entry of entries) {
    if (entry !== key && !entry.startsWith('.tmp-'))
      await rm(join(root, entry), { recursive: true, force: true }).catch(() => {});
  }
}

/**
 * A CPU session for `modelPath` at optimisation level 'all', opened from its saved optimised copy
 * when an intact one exists, else created (and its optimised graph saved for the next load).
 */
export async function createCpuSessionWithSavedOptimisation(
  modelPath: string,
  options: ort.InferenceSession.SessionOptions,
): Promise<OptimisedSession> {
  const key = await optimisedKey(modelPath);
  const optimisedPath = optimisedModelPath(modelPath, key);
  const folder = dirname(optimisedPath);
  if (await savedCopyIntact(folder, key)) {
    try {
      // Optimised again at 'all': there is no weight left to re-lay out, so it is quick, and with
      // optimisation 'disabled' the same saved SD 1.5 U-Net took about 10% more CPU time per call.
      const session = await ort.InferenceSession.create(optimisedPath, {
        ...options,
        graphOptimizationLevel: 'all',
      });
      return { session, source: 'saved', optimisedPath };
    } catch {
      // Refused by ORT although its sizes and graph hash match: rebuild it below.
    }
  }
  await rm(folder, { recursive: true, force: true }).catch(() => {});
  try {
    const { session, saved } = await buildAndSave(modelPath, key, folder, options);
    if (!saved) return { session, source: 'plain' };
    await removeOtherKeys(dirname(folder), key);
    return { session, source: 'built', optimisedPath };
  } catch {
    // Saving failed (read-only folder, full disk): an ordinary 'all' session, nothing kept.
    const session = await ort.InferenceSession.create(modelPath, {
      ...options,
      graphOptimizationLevel: 'all',
    });
    return { session, source: 'plain' };
  }
}
