// Confining paths that come from the editor, HTTP or graph files to one allowed folder. A path is
// accepted only if it stays inside the folder both lexically and after symlinks are resolved, so
// `../`, absolute paths and symlinks pointing out of the folder are all refused.
import { isAbsolute, resolve } from 'node:path';
import { isInside, realpathOfNearest } from '../util/path-inside.ts';
import { HostError } from './shared/errors.ts';

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
  const realRoot = realpathOfNearest(absRoot);
  const realTarget = realpathOfNearest(target);
  if (!isInside(realRoot, realTarget)) {
    throw new HostError(
      'forbidden',
      `${what} "${shown}" resolves outside its folder through a link (refused)`,
    );
  }
}
