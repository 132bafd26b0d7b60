// Paths a graph names inside the user's folders (input images, output prefixes): relative
// names must stay inside the folder; absolute paths are taken as given (CLI use).
import { isAbsolute, join, normalize } from 'node:path';

export function insideFolder(folder: string, name: string, what: string): string {
  if (isAbsolute(name)) return name;
  const clean = normalize(name);
  if (clean.split(/[\\/]/).includes('..')) throw new Error(`${what} "${name}" leaves its folder ("..")`);
  return join(folder, clean);
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
