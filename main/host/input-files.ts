// The input folder: images the LoadImage node reads. Uploads get a sanitized name and never
// overwrite an existing file (a numbered suffix is added instead).
import { readdir } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { writeUnderFreeName } from '../util/atomic-write.ts';
import { HostError } from './shared/errors.ts';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.bmp', '.gif', '.tif', '.tiff'] as const;
const MAX_NAME = 120;
const MAX_DEPTH = 3;

/** The extension with its dot, lower case; unlike path.extname, `.png` alone counts as one. */
function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? name.slice(dot).toLowerCase() : '';
}

export function isImageName(name: string): boolean {
  return (IMAGE_EXTENSIONS as readonly string[]).includes(extensionOf(name));
}

/**
 * A safe file name from what the browser sent: the last path segment only, characters outside
 * letters, digits, space, `.`, `-`, `_` replaced, no leading dots, and an image extension.
 */
export function sanitizeUploadName(name: string): string {
  const last = name.replaceAll('\\', '/').split('/').pop() ?? '';
  const ext = extensionOf(last);
  if (!isImageName(last)) {
    throw new HostError(
      'bad-request',
      `upload "${name}": expected an image file (${IMAGE_EXTENSIONS.join(', ')})`,
    );
  }
  let stem = last
    .slice(0, last.length - ext.length)
    .normalize('NFC')
    .replace(/[^\p{L}\p{N} ._-]/gu, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  if (stem === '') stem = 'image';
  return `${stem.slice(0, MAX_NAME)}${ext}`;
}

/** Image files in the input folder as `/`-separated relative names, sorted. */
export async function listInputImages(inputDir: string): Promise<string[]> {
  const found: string[] = [];
  await walk(inputDir, MAX_DEPTH, found);
  return found.map((path) => relative(inputDir, path).split(sep).join('/')).sort();
}

async function walk(dir: string, depth: number, found: string[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory() && depth > 1) await walk(path, depth - 1, found);
    else if (entry.isFile() && isImageName(entry.name)) found.push(path);
  }
}

/** Store `bytes` under a sanitized name, adding ` (1)`, ` (2)`... rather than overwriting. */
export async function saveUpload(inputDir: string, name: string, bytes: Uint8Array): Promise<string> {
  const safe = sanitizeUploadName(name);
  const ext = extensionOf(safe);
  const stem = safe.slice(0, safe.length - ext.length);
  const candidate = (n: number) => (n === 0 ? safe : n < 10_000 ? `${stem} (${n})${ext}` : undefined);
  const path = await writeUnderFreeName(inputDir, bytes, candidate);
  if (path === undefined) {
    throw new HostError('conflict', `upload "${name}": too many files named like it in the input folder`);
  }
  return basename(path);
}
