// A training set: the images of a folder, resized to the training size as [3, H, W] values in [−1, 1].
// Classes (optional): `subfolders` — each image's class is the name of the subfolder it is in; or
// `{ namePart: k }` — the k-th '_'-separated part of the file name (0-based, extension removed), e.g.
// part 2 of 000_red_circle_small_center.png is "circle". Class ids follow the sorted class names.
import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import { listImages } from '../eval/image-sets.ts';

export type ClassSource = 'none' | 'subfolders' | { namePart: number };

export interface Dataset {
  /** [count, 3, size, size] in [−1, 1]. */
  images: Float32Array;
  itemShape: [number, number, number];
  count: number;
  /** Class id per image (all 0 when the set has no classes). */
  labels: number[];
  /** Class names by id (empty when the set has no classes). */
  classNames: string[];
  files: string[];
}

export async function loadDataset(folder: string, size: number, classes: ClassSource): Promise<Dataset> {
  const entries = await filesWithClasses(folder, classes);
  const classNames = classes === 'none' ? [] : [...new Set(entries.map((e) => e.className))].sort();
  const item = 3 * size * size;
  const images = new Float32Array(entries.length * item);
  for (const [i, entry] of entries.entries()) images.set(await readResized(entry.file, size), i * item);
  return {
    images,
    itemShape: [3, size, size],
    count: entries.length,
    labels: entries.map((e) => Math.max(0, classNames.indexOf(e.className))),
    classNames,
    files: entries.map((e) => e.file),
  };
}

async function filesWithClasses(
  folder: string,
  classes: ClassSource,
): Promise<{ file: string; className: string }[]> {
  if (classes === 'subfolders') {
    const folders = (await readdir(folder, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    if (folders.length === 0)
      throw new Error(`${folder}: classes come from subfolders, but this folder has none`);
    const lists = await Promise.all(
      folders
        .sort()
        .map(async (name) =>
          (await listImages(join(folder, name))).map((file) => ({ file, className: name })),
        ),
    );
    return lists.flat();
  }
  const files = await listImages(folder);
  if (classes === 'none') return files.map((file) => ({ file, className: '' }));
  return files.map((file) => {
    const parts = basename(file, extname(file)).split('_');
    const className = parts[classes.namePart];
    if (!className)
      throw new Error(
        `${file}: the file name has no part ${classes.namePart} (parts are separated by '_') to take the class from`,
      );
    return { file, className };
  });
}

/** One image decoded and resized by sharp in one pass, as [3, size, size] values in [−1, 1]. */
async function readResized(file: string, size: number): Promise<Float32Array> {
  let pixels: Buffer;
  try {
    pixels = await sharp(file)
      .rotate()
      .toColourspace('srgb')
      .removeAlpha()
      .resize(size, size, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer();
  } catch (error) {
    throw new Error(`${file}: cannot read this image (${(error as Error).message})`);
  }
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++)
    for (let c = 0; c < 3; c++) out[c * plane + p] = (pixels[p * 3 + c] / 255) * 2 - 1;
  return out;
}
