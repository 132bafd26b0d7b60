// The model folders people already have: Diffgraph's own (`checkpoints/`, `loras/`, `vae/`,
// `embeddings/`), a ComfyUI `models/` folder (same names) or install, and an A1111 install
// (`models/Stable-diffusion`, `models/Lora`, `models/VAE`, `embeddings/`). Several roots may be
// given (`--models a --models b`, or one value separated by the platform's path delimiter).
import { existsSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export type ModelCategory = 'checkpoints' | 'loras' | 'vae' | 'embeddings';
export const MODEL_CATEGORIES: readonly ModelCategory[] = ['checkpoints', 'loras', 'vae', 'embeddings'];

/** Sub-folders (relative to a root) that hold each category, for every known layout. */
const CANDIDATES: Record<ModelCategory, readonly string[]> = {
  checkpoints: ['checkpoints', 'models/checkpoints', 'Stable-diffusion', 'models/Stable-diffusion'],
  loras: ['loras', 'models/loras', 'Lora', 'models/Lora', 'LyCORIS', 'models/LyCORIS'],
  vae: ['vae', 'models/vae', 'VAE', 'models/VAE'],
  // A1111 keeps embeddings at the install root, beside models/; so does a root given as models/.
  embeddings: ['embeddings', 'models/embeddings', '../embeddings'],
};

/** Folders named in one or more option values, split at the path delimiter, resolved, deduplicated. */
export function splitModelRoots(values: string | readonly string[] | undefined): string[] {
  const list = typeof values === 'string' ? [values] : (values ?? []);
  const roots = list.flatMap((v) => v.split(delimiter)).filter((v) => v.trim() !== '');
  return [...new Set(roots.map((r) => resolve(r)))];
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** For each category, the existing folders under `roots` that hold it (case variants deduplicated). */
export function categoryFolders(roots: readonly string[]): Record<ModelCategory, string[]> {
  const out = { checkpoints: [], loras: [], vae: [], embeddings: [] } as Record<ModelCategory, string[]>;
  const seen = new Set<string>();
  for (const root of roots) {
    for (const category of MODEL_CATEGORIES) {
      for (const sub of CANDIDATES[category]) {
        const folder = resolve(join(root, sub));
        // Case-insensitive file systems report both "vae" and "VAE": keep the first.
        const id = `${category}\0${folder.toLowerCase()}`;
        if (seen.has(id) || !isDirectory(folder)) continue;
        // `../embeddings` only when the root is an A1111 models/ folder (it holds Stable-diffusion/).
        if (sub.startsWith('..') && !isDirectory(join(root, 'Stable-diffusion'))) continue;
        seen.add(id);
        out[category].push(folder);
      }
    }
  }
  return out;
}
