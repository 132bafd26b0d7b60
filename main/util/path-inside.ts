// The two checks every path confinement needs (host file access and graph widget paths):
// "is this path inside that folder" and "where does this path really lead" (symlinks resolved).
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** Is `child` equal to or inside `root`? Both absolute and normalised. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * realpath of the path, or of its nearest existing ancestor joined with the missing rest (a file
 * about to be written does not exist yet, but the folders it would land in do).
 */
export function realpathOfNearest(path: string): string {
  const tail: string[] = [];
  let current = path;
  for (;;) {
    try {
      return resolve(realpathSync(current), ...tail.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = dirname(current);
      if (parent === current) return path;
      tail.push(basename(current));
      current = parent;
    }
  }
}
