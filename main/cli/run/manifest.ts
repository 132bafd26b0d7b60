// manifest.json in the output folder: every run of every batch written there. Rewritten atomically
// after each run so it is valid JSON at any moment; runs already listed are always kept.
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { OutputFileInfo } from '../../engine/events.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { withFileLock } from '../../util/file-lock.ts';
import { describeFsError } from '../../util/fs-errors.ts';
import { type ManifestContents, ManifestReadError, readManifestFile } from '../../util/manifest-read.ts';
import { CliError } from '../exit.ts';

export interface ManifestRun {
  runId: string;
  /** Identifies the invocation that made this run (ISO start time + pid). */
  batch: string;
  /** Absolute path of the graph file (JSON or PNG). */
  graph: string;
  overrides: Record<string, unknown>;
  seed: number | null;
  seedWidgets: Record<string, number>;
  repeat: number;
  device: string;
  /** The farm worker that ran it (`diffgraph run --redis`); absent for local runs. */
  worker?: string;
  status: 'done' | 'failed' | 'cancelled';
  startedAt: string;
  finishedAt: string;
  /** Wall time of the run and of each node that ran (cached nodes are listed apart). */
  timings: { totalMs: number; nodes: Record<string, number>; cached: string[] };
  /** Files written, with paths relative to the manifest's folder. */
  outputs: OutputFileInfo[];
  error: { nodeId: string | null; message: string } | null;
}

type ManifestFile = ManifestContents<ManifestRun>;

export class Manifest {
  private constructor(readonly path: string) {}

  /** Opens `<outDir>/manifest.json`, keeping its runs; refuses (exit 2) a file it would have to discard. */
  static async open(outDir: string): Promise<Manifest> {
    const path = join(outDir, 'manifest.json');
    await readManifest(path);
    return new Manifest(path);
  }

  /** File names (in the manifest's folder) of every output a listed run wrote. */
  async listedOutputNames(): Promise<Set<string>> {
    const { runs } = await readManifest(this.path);
    const dir = dirname(this.path);
    return new Set(
      runs.flatMap((run) => (run.outputs ?? []).map((output) => relative(dir, resolve(dir, output.path)))),
    );
  }

  /** Run ids already recorded (a farm collector skips jobs another collector already wrote). */
  async runIds(): Promise<Set<string>> {
    return new Set((await readManifest(this.path)).runs.map((run) => run.runId));
  }

  /** Record a run: re-read the file under a lock so runs another process appended meanwhile are kept. */
  async add(run: ManifestRun): Promise<void> {
    const outDir = dirname(this.path);
    const outputs = run.outputs.map((output) => ({ ...output, path: relativeIfInside(outDir, output.path) }));
    try {
      await withFileLock(this.path, async () => {
        const current = await readManifest(this.path);
        current.runs.push({ ...run, outputs });
        await writeFileAtomic(this.path, `${JSON.stringify(current, null, 2)}\n`);
      });
    } catch (error) {
      if (error instanceof CliError) throw error;
      // The previous manifest stays in place (the write is atomic); say why this run is missing.
      throw new ManifestWriteError(`${this.path}: cannot record run ${run.runId}: ${describeFsError(error)}`);
    }
  }
}

/** The manifest could not be rewritten (e.g. a full disk); the file on disk is still the last good one. */
export class ManifestWriteError extends Error {
  override name = 'ManifestWriteError';
}

/** The manifest's contents (no runs when the file does not exist); CliError for a file we would have to discard. */
async function readManifest(path: string): Promise<ManifestFile> {
  try {
    return await readManifestFile<ManifestRun>(path);
  } catch (error) {
    if (!(error instanceof ManifestReadError)) throw error;
    if (error.problem === 'unreadable')
      throw new CliError([`${path}: cannot read the existing manifest: ${error.detail}`]);
    if (error.problem === 'not-json')
      throw new CliError([
        `${path}: the existing manifest is not valid JSON (${error.detail}); move it away`,
      ]);
    throw new CliError([
      `${path}: exists but is not a diffgraph manifest; move it away or choose another --out`,
    ]);
  }
}

function relativeIfInside(dir: string, path: string): string {
  const rel = relative(dir, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
