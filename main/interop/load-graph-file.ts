// Loading any graph file a user may hand us: Diffgraph's own (.json, SaveImage PNGs) and ComfyUI /
// A1111 files, imported on the way in with a report of what the import did.
import { type LoadedGraph, loadGraphFile } from '../graph/load.ts';
import { type ImportReport, importForeignFile } from './foreign-load.ts';
import { matchImportedModels } from './model-match.ts';

export type LoadedAnyGraph = LoadedGraph<ImportReport>;

/** With `modelSearchPath`, models an imported file names are also looked for there by name and hash. */
export async function loadAnyGraphFile(
  path: string,
  modelSearchPath: readonly string[] = [],
): Promise<LoadedAnyGraph> {
  const loaded = await loadGraphFile(path, importForeignFile);
  if (loaded.importReport && modelSearchPath.length > 0) {
    const imported = { doc: loaded.doc as unknown as Record<string, unknown>, report: loaded.importReport };
    await matchImportedModels(imported, modelSearchPath);
  }
  return loaded;
}
