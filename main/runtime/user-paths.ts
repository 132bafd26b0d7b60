// Paths that come from graph widgets (input images, latents, model files). Graph files are data
// shared between people, so a name may only reach the folders the host allows: relative names stay
// inside their folder, also after symbolic links are resolved, and absolute paths are refused
// unless they lie inside an allowed folder. Only the CLI, whose graphs the user runs by hand
// from a shell, opts into absolute paths anywhere (RuntimeServices.allowAbsolutePaths).
import { isAbsolute, join, normalize, resolve } from 'node:path';
import { isInside, realpathOfNearest } from '../util/path-inside.ts';

export interface PathRule {
  /** What the name is, for messages: "image", "pipeline", "tokenizer folder". */
  what: string;
  /** Folders a path may lead into (also after symlinks). */
  allowed: readonly string[];
  /** Accept absolute paths anywhere, as given (the CLI). */
  allowAbsolute: boolean;
}

/** A widget value that would reach outside the allowed folders. */
export class PathRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathRefusedError';
  }
}

function folders(rule: PathRule): string {
  return `allowed folders: ${rule.allowed.join(', ')}`;
}

function insideAllowed(target: string, rule: PathRule): boolean {
  return rule.allowed.some((dir) => isInside(resolve(dir), target));
}

/** After symlinks, does `target` still lie in an allowed folder (itself resolved)? */
function assertRealInside(target: string, name: string, rule: PathRule): void {
  const real = realpathOfNearest(target);
  if (!rule.allowed.some((dir) => isInside(realpathOfNearest(resolve(dir)), real))) {
    throw new PathRefusedError(
      `${rule.what} "${name}" leads outside the allowed folders through a symbolic link (refused; ${folders(rule)})`,
    );
  }
}

function looksAbsolute(name: string): boolean {
  // A drive letter ("C:\x", "C:x") is absolute or drive-relative on Windows: never inside a folder.
  return isAbsolute(name) || /^[a-zA-Z]:/.test(name);
}

/**
 * The file or folder a widget value names: a relative name under `base`, or an absolute path
 * (inside an allowed folder, or anywhere when the rule allows absolute paths). Throws
 * PathRefusedError naming the value and the allowed folders; never reads the refused file.
 */
export function confinePath(name: string, base: string, rule: PathRule): string {
  if (name.includes('\0')) throw new PathRefusedError(`${rule.what} "${name}" contains a NUL byte`);
  if (looksAbsolute(name)) {
    if (rule.allowAbsolute) return normalize(name);
    const target = resolve(name);
    if (!insideAllowed(target, rule)) {
      throw new PathRefusedError(
        `${rule.what} "${name}" is an absolute path outside the allowed folders; graphs run in the editor or server may only name files inside them (${folders(rule)}; the diffgraph CLI also accepts absolute paths)`,
      );
    }
    assertRealInside(target, name, rule);
    return target;
  }
  const clean = normalize(name);
  if (clean.split(/[\\/]/).includes('..')) {
    throw new PathRefusedError(`${rule.what} "${name}" leaves its folder ("..") (${folders(rule)})`);
  }
  const target = join(base, clean);
  if (!rule.allowAbsolute) assertRealInside(target, name, rule);
  return target;
}

/** A SaveImage prefix: sub-folders allowed, no "..", nothing Windows forbids in file names. */
export function checkPrefix(prefix: string): string {
  const clean = prefix.trim() === '' ? 'diffgraph' : prefix.trim();
  if (isAbsolute(clean) || clean.split(/[\\/]/).includes('..')) {
    throw new Error(`prefix "${prefix}" must stay inside the output folder (no absolute path or "..")`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
  if (/[<>:"|?*\u0000-\u001f]/.test(clean))
    throw new Error(`prefix "${prefix}" contains characters not allowed in file names`);
  return clean;
}
