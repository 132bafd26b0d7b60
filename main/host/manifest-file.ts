// The output folder's manifest.json as the host reads and changes it. `diffgraph run` writes the
// same file; changes go through the same lock file and an atomic rewrite, so a CLI batch writing
// into the folder at the same time loses nothing and the file is valid JSON at every moment.
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { withFileLock } from '../util/file-lock.ts';
import {
  ManifestReadError,
  readManifestFile,
  type ManifestContents as StoredManifest,
} from '../util/manifest-read.ts';
import { HostError } from './shared/errors.ts';

export const MANIFEST_FILE = 'manifest.json';

/** The fields of a manifest run the host relies on; runs carry more, which are kept as they are. */
export interface ManifestEntry {
  runId: string;
  status: 'done' | 'failed' | 'cancelled';
  finishedAt?: string;
  seed?: number | null;
  timings?: { totalMs?: number; [key: string]: unknown };
  outputs?: { kind: string; path: string; meta?: Record<string, unknown> }[];
  error?: { nodeId: string | null; message: string } | null;
  /** Runs the editor queued record their document, title and summary (CLI runs name a file). */
  source?: 'editor';
  title?: string;
  document?: unknown;
  [key: string]: unknown;
}

type ManifestContents = StoredManifest<ManifestEntry>;

export function manifestPath(outputDir: string): string {
  return join(outputDir, MANIFEST_FILE);
}

/** The manifest's runs (none when there is no manifest yet); a clear error for a broken file. */
export async function readManifest(outputDir: string): Promise<ManifestContents> {
  const path = manifestPath(outputDir);
  let file: ManifestContents;
  try {
    file = await readManifestFile<ManifestEntry>(path);
  } catch (error) {
    if (!(error instanceof ManifestReadError)) throw error;
    if (error.problem === 'unreadable')
      throw new HostError('internal', `cannot read ${path}: ${error.detail}`);
    throw new HostError(
      'internal',
      error.problem === 'not-json'
        ? `${path} is not valid JSON (${error.detail})`
        : `${path} is not a diffgraph manifest (format "diffgraph-manifest")`,
    );
  }
  const runs = file.runs.filter(
    (run): run is ManifestEntry => typeof run === 'object' && run !== null && typeof run.runId === 'string',
  );
  return { ...file, runs };
}

/** Re-read the manifest under its lock, change it, and write it back atomically. */
export async function updateManifest<T>(
  outputDir: string,
  change: (contents: ManifestContents) => Promise<T> | T,
): Promise<T> {
  const path = manifestPath(outputDir);
  return withFileLock(path, async () => {
    const contents = await readManifest(outputDir);
    const result = await change(contents);
    await writeFileAtomic(path, `${JSON.stringify(contents, null, 2)}\n`);
    return result;
  });
}
