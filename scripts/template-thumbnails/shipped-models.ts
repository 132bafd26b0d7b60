// Which checkpoint files a template loads that Diffgraph does not ship (e.g. the SDXL example):
// such a template cannot be run to make a thumbnail, and the templates browser shows it without one.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

interface Doc {
  nodes: Record<string, { type: string; widgets?: Record<string, unknown> }>;
}

/** The loaders whose file widget names a single-file model under a models sub-folder. */
const FILE_LOADERS: Record<string, { widget: string; folder: string }> = {
  LoadCheckpoint: { widget: 'checkpoint', folder: 'checkpoints' },
  LoadLoRA: { widget: 'lora', folder: 'loras' },
};

export function unshippedModels(graph: Doc, modelsDir: string): string[] {
  const missing: string[] = [];
  for (const node of Object.values(graph.nodes)) {
    const loader = FILE_LOADERS[node.type];
    const name = loader && node.widgets?.[loader.widget];
    if (typeof name === 'string' && !existsSync(join(modelsDir, loader.folder, name))) missing.push(name);
  }
  return missing;
}
