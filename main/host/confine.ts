// Confining paths that come from the editor, HTTP or graph files to one allowed folder. A path is
// accepted only if it stays inside the folder both lexically and after symlinks are resolved, so
// `../`, absolute paths and symlinks pointing out of the folder are all refused.
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { HostError } from './errors.ts';

/** Is `child` equal to or inside `root`? Both must be absolute and normalised. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Resolve `relPath` (a relative path with `/` separators) inside `root`. Refuses absolute paths,
 * NUL bytes, any `..` escape and symlinks that lead outside. The target need not exist (writes):
 * then its nearest existing ancestor is checked. Returns the absolute (lexical) path.
 */
export async function resolveInside(root: string, relPath: string, what = 'path'): Promise<string> {
  if (relPath.includes('\0')) throw new HostError('bad-request', `${what} contains a NUL byte`);
  const normalized = relPath.replaceAll('\\', '/');
  if (normalized === '' || isAbsolute(normalized) || /^[a-zA-Z]:/.test(normalized)) {
    throw new HostError('forbidden', `${what} "${relPath}" must be relative to its folder`);
  }
  const absRoot = resolve(root);
  const target = resolve(absRoot, normalized);
  if (!isInside(absRoot, target) || target === absRoot) {
    throw new HostError('forbidden', `${what} "${relPath}" leaves its folder (path traversal refused)`);
  }
  await assertRealInside(absRoot, target, what, relPath);
  return target;
}

/** Is the absolute path inside `root` after resolving symlinks (for paths the engine reports)? */
export async function confineAbsolute(root: string, absPath: string, what = 'path'): Promise<string> {
  const absRoot = resolve(root);
  const target = resolve(absPath);
  if (!isInside(absRoot, target)) {
    throw new HostError('forbidden', `${what} "${absPath}" is outside ${absRoot}`);
  }
  await assertRealInside(absRoot, target, what, absPath);
  return target;
}

async function assertRealInside(absRoot: string, target: string, what: string, shown: string): Promise<void> {
  const realRoot = await realpathOrSelf(absRoot);
  const realTarget = await realpathOfNearest(target);
  if (!isInside(realRoot, realTarget)) {
    throw new HostError(
      'forbidden',
      `${what} "${shown}" resolves outside its folder through a link (refused)`,
    );
  }
}

async function realpathOrSelf(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}

/** realpath of the path, or of its nearest existing ancestor joined with the missing tail. */
async function realpathOfNearest(path: string): Promise<string> {
  let current = path;
  const tail: string[] = [];
  for (;;) {
    try {
      const real = await realpath(current);
      return tail.length === 0 ? real : resolve(real, ...tail.reverse());
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
