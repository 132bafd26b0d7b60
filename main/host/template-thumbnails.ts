// Thumbnails of the shipped templates: `<templates>/thumbnails/<name>.png`, made by
// scripts/make-template-thumbnails.ts running each template. Sent as data URLs (a few KiB each).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const THUMBNAILS_FOLDER = 'thumbnails';

/** The thumbnail file of a template graph file name (`default.json` -> `default.png`). */
export function thumbnailName(templateFile: string): string {
  return templateFile.replace(/\.json$/, '.png');
}

/** Data URLs keyed by template id (`template:<name>.json`); templates without one are left out. */
export async function readTemplateThumbnails(templatesDir: string): Promise<Record<string, string>> {
  const names = (await readdir(templatesDir).catch(() => [])).filter((name) => name.endsWith('.json'));
  const thumbnails: Record<string, string> = {};
  for (const name of names.sort()) {
    const png = await readFile(join(templatesDir, THUMBNAILS_FOLDER, thumbnailName(name))).catch(() => null);
    if (png) thumbnails[`template:${name}`] = `data:image/png;base64,${png.toString('base64')}`;
  }
  return thumbnails;
}
