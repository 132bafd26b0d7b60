// ctx.services.files: what nodes may read and write, confined to the host's folders (see
// user-paths.ts for the rules), with numbered outputs written atomically (util/atomic-write.ts).
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { NodeFiles, UserFolder } from '../../nodes/api.ts';
import { embedGraphInPng } from '../graph/png-text.ts';
import { checkPrefix, confinePath } from '../runtime/user-paths.ts';
import { writeNewNumberedFile } from '../util/atomic-write.ts';
import type { ServiceScope } from './index.ts';

/** Drop all but the newest `keep` files named `<prefix>_NNNNN<ext>` in `dir` (names sort by number). */
async function pruneNumbered(dir: string, prefix: string, ext: string, keep: number): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.startsWith(`${prefix}_`) && n.endsWith(ext)).sort();
  for (const name of names.slice(0, Math.max(0, names.length - keep))) {
    await unlink(join(dir, name)).catch(() => {});
  }
}

export function createNodeFiles({ runtime }: ServiceScope): NodeFiles {
  const { output } = runtime.paths;
  /** The output sub-folder a prefix names, refused when a link there leads out of the output folder. */
  const outputFolder = (prefix: string) =>
    confinePath(dirname(prefix), output, { what: 'prefix', allowed: [output], allowAbsolute: false });
  return {
    inputPath(name, what, folders: readonly UserFolder[]) {
      const allowed = folders.map((folder) => runtime.paths[folder]);
      return confinePath(name, allowed[0], { what, allowed, allowAbsolute: runtime.allowAbsolutePaths });
    },
    isFile(path) {
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    },
    read: (path) => readFile(path),
    async fingerprint(path) {
      const info = await stat(path);
      const sha256 = createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
      return `${info.size}:${info.mtimeMs}:${sha256}`;
    },
    outputPrefix(prefix) {
      const clean = checkPrefix(prefix);
      outputFolder(clean);
      return clean;
    },
    async writeNumbered(prefix, ext, data, options = {}) {
      const dir = outputFolder(checkPrefix(prefix));
      const base = basename(prefix);
      const path = await writeNewNumberedFile(dir, base, ext, data);
      if (options.keep !== undefined) await pruneNumbered(dir, base, ext, options.keep);
      return path;
    },
    embedGraph: (png, graph) =>
      embedGraphInPng(Buffer.from(png.buffer, png.byteOffset, png.byteLength), graph),
  };
}
