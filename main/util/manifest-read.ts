// Reading an output folder's manifest.json, shared by `diffgraph run` (which appends runs) and the
// host (whose history panel lists and deletes them). Each caller turns a problem into its own error.
import { readFile } from 'node:fs/promises';

export interface ManifestContents<Run> {
  format: 'diffgraph-manifest';
  version: 1;
  runs: Run[];
}

/** Why a manifest could not be used; `detail` is the underlying message where there is one. */
export class ManifestReadError extends Error {
  override name = 'ManifestReadError';
  constructor(
    readonly path: string,
    readonly problem: 'unreadable' | 'not-json' | 'not-manifest',
    readonly detail: string,
  ) {
    super(`${path}: ${problem}${detail ? ` (${detail})` : ''}`);
  }
}

/** The manifest's contents as stored (no runs when the file does not exist yet). */
export async function readManifestFile<Run>(path: string): Promise<ManifestContents<Run>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { format: 'diffgraph-manifest', version: 1, runs: [] };
    throw new ManifestReadError(path, 'unreadable', (error as Error).message);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ManifestReadError(path, 'not-json', (error as Error).message);
  }
  const file = data as Partial<ManifestContents<Run>> | null;
  if (file?.format !== 'diffgraph-manifest' || !Array.isArray(file.runs))
    throw new ManifestReadError(path, 'not-manifest', '');
  return file as ManifestContents<Run>;
}
