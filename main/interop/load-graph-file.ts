// Loading any graph file a user may hand us: Diffgraph's own (.json, SaveImage PNGs) and ComfyUI /
// A1111 files, imported on the way in with a report of what the import did.
import { type LoadedGraph, loadGraphFile } from '../graph/load.ts';
import { type ImportReport, importForeignFile } from './foreign-load.ts';

export type LoadedAnyGraph = LoadedGraph<ImportReport>;

export function loadAnyGraphFile(path: string): Promise<LoadedAnyGraph> {
  return loadGraphFile(path, importForeignFile);
}
