// Confining paths that come from the editor or HTTP to one allowed folder, with the one confiner
// graph widgets use too (runtime/user-paths.ts): a path is accepted only if it stays inside the
// folder both lexically and after symlinks are resolved. Refusals become HostErrors.
import { isAbsolute } from 'node:path';
import { confinePath, PathRefusedError } from '../runtime/user-paths.ts';
import { HostError } from './shared/errors.ts';

/** `name` confined to `root`; a refusal names the path as the caller gave it (`shown`). */
function confined(name: string, root: string, what: string, shown = name): string {
  try {
    return confinePath(name, root, { what, allowed: [root], allowAbsolute: false });
  } catch (error) {
    if (!(error instanceof PathRefusedError)) throw error;
    throw new HostError('forbidden', error.message.replace(`"${name}"`, `"${shown}"`));
  }
}

/**
 * Resolve `relPath` (a relative path with `/` or `\` separators) inside `root`. Refuses absolute
 * paths, NUL bytes, any `..` escape and symlinks that lead outside. The target need not exist
 * (writes): then its nearest existing ancestor is checked. Returns the absolute (lexical) path.
 */
export async function resolveInside(root: string, relPath: string, what = 'path'): Promise<string> {
  if (relPath.includes('\0')) throw new HostError('bad-request', `${what} contains a NUL byte`);
  const normalized = relPath.replaceAll('\\', '/');
  if (normalized === '' || isAbsolute(normalized) || /^[a-zA-Z]:/.test(normalized)) {
    throw new HostError('forbidden', `${what} "${relPath}" must be relative to its folder`);
  }
  const target = confined(normalized, root, what, relPath);
  if (target === confined('.', root, what)) {
    throw new HostError('forbidden', `${what} "${relPath}" names the folder itself, not a file in it`);
  }
  return target;
}

/** Is the absolute path inside `root` after resolving symlinks (for paths the engine reports)? */
export async function confineAbsolute(root: string, absPath: string, what = 'path'): Promise<string> {
  if (!isAbsolute(absPath)) throw new HostError('forbidden', `${what} "${absPath}" is not an absolute path`);
  return confined(absPath, root, what);
}
