// Image files: LoadImage (input folder -> IMAGE), PreviewImage (temporary PNGs for the editor),
// SaveImage (numbered PNGs in the output folder carrying the graph that made them).
import { existsSync, statSync } from 'node:fs';
import { readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { embedGraphInPng } from '../main/graph/png-text.ts';
import { graphSeeds } from '../main/runtime/graph-seeds.ts';
import { decodeImageFile, encodePng } from '../main/runtime/image-io.ts';
import { withModelReferences } from '../main/runtime/model-refs.ts';
import { checkPrefix, confinePath } from '../main/runtime/user-paths.ts';
import { writeNewNumberedFile } from '../main/util/atomic-write.ts';
import { defineNode, type NodeContext, type NodeDefinition, NodeInputError } from './api.ts';
import type { ImageBatch } from './types.ts';

const CATEGORY = 'image';
const PREVIEW_DIR = '.previews';
const PREVIEWS_KEPT = 200;

function requireImage(value: unknown): ImageBatch {
  const image = value as ImageBatch;
  if (!image?.data || image.shape?.length !== 4 || image.shape[3] !== 3) {
    throw new NodeInputError('image', 'expected an IMAGE batch [batch, height, width, 3]');
  }
  return image;
}

async function loadImage(ctx: NodeContext, name: string): Promise<ImageBatch> {
  if (name.trim() === '') throw new NodeInputError('image', 'no image chosen');
  const { input } = ctx.runtime.paths;
  let path: string;
  try {
    const rule = { what: 'image', allowed: [input], allowAbsolute: ctx.runtime.allowAbsolutePaths };
    path = confinePath(name, input, rule);
  } catch (error) {
    throw new NodeInputError('image', (error as Error).message);
  }
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new NodeInputError(
      'image',
      `image file ${path} not found (names are relative to the input folder ${input})`,
    );
  }
  try {
    return await decodeImageFile(path);
  } catch (error) {
    throw new NodeInputError(
      'image',
      `${path} could not be decoded as an image (expected PNG, JPEG, WebP, GIF, TIFF or AVIF): ${(error as Error).message}`,
    );
  }
}

/** The folder a prefix's sub-folders name, refused when a link there leads out of the output folder. */
function outputFolder(ctx: NodeContext, prefix: string): string {
  const { output } = ctx.runtime.paths;
  try {
    return confinePath(dirname(prefix), output, { what: 'prefix', allowed: [output], allowAbsolute: false });
  } catch (error) {
    throw new NodeInputError('prefix', (error as Error).message);
  }
}

/** Keep the preview folder from growing without bound: drop all but the newest previews. */
async function prunePreviews(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.png')).sort();
  for (const name of names.slice(0, Math.max(0, names.length - PREVIEWS_KEPT))) {
    await unlink(join(dir, name)).catch(() => {});
  }
}

export const imageNodes: NodeDefinition[] = [
  defineNode({
    type: 'LoadImage',
    displayName: 'Load Image',
    category: CATEGORY,
    description: 'An image file from the input folder (PNG, JPEG, WebP...), as RGB',
    inputs: [],
    widgets: [
      {
        name: 'image',
        kind: 'file',
        default: '',
        folder: 'input',
        extensions: ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif'],
      },
    ],
    outputs: [{ name: 'image', type: 'IMAGE' }],
    nondeterministic: true,
    run: async (ctx, inputs) => ({ image: await loadImage(ctx, String(inputs.image ?? '')) }),
  }),
  defineNode({
    type: 'PreviewImage',
    displayName: 'Preview Image',
    category: CATEGORY,
    description: 'Show images in the editor without saving them to the gallery',
    inputs: [{ name: 'image', type: 'IMAGE' }],
    widgets: [],
    outputs: [],
    output: true,
    run: async (ctx, inputs) => {
      const image = requireImage(inputs.image);
      const dir = join(ctx.runtime.paths.output, PREVIEW_DIR);
      for (let i = 0; i < image.shape[0]; i++) {
        ctx.signal.throwIfAborted(); // a cancelled run stops between batch items
        const path = await writeNewNumberedFile(dir, 'preview', '.png', await encodePng(image, i));
        ctx.output({
          kind: 'image',
          path,
          meta: { preview: true, batchIndex: i, width: image.shape[2], height: image.shape[1] },
        });
      }
      await prunePreviews(dir);
      return {};
    },
  }),
  defineNode({
    type: 'SaveImage',
    displayName: 'Save Image',
    category: CATEGORY,
    description:
      'Save PNGs to the output folder as <prefix>_00001.png...; each carries the graph (seeds included) that made it',
    inputs: [{ name: 'image', type: 'IMAGE' }],
    widgets: [
      {
        name: 'prefix',
        kind: 'string',
        default: 'diffgraph',
        description: 'File name prefix; may include sub-folders (portraits/cat)',
      },
    ],
    outputs: [],
    output: true,
    run: async (ctx, inputs) => {
      const image = requireImage(inputs.image);
      let prefix: string;
      try {
        prefix = checkPrefix(String(inputs.prefix ?? ''));
      } catch (error) {
        throw new NodeInputError('prefix', (error as Error).message);
      }
      const dir = outputFolder(ctx, prefix);
      // sharp encodes on its own threads: start every image's PNG first, so that the encoding
      // overlaps with collecting the graph's model references (hashes) on this thread
      const encoding = Promise.all(Array.from({ length: image.shape[0] }, (_, i) => encodePng(image, i)));
      const [graph, pngs] = await Promise.all([
        withModelReferences(ctx.runtime, ctx.runtime.graph),
        encoding,
      ]);
      const seeds = graphSeeds(graph);
      const seed = Object.values(seeds)[0];
      for (const [i, png] of pngs.entries()) {
        ctx.signal.throwIfAborted(); // a cancelled run stops between batch items
        const data = graph ? embedGraphInPng(png, graph) : png;
        const path = await writeNewNumberedFile(dir, basename(prefix), '.png', data);
        const meta = { seed, seeds, batchIndex: i, width: image.shape[2], height: image.shape[1] };
        ctx.output({ kind: 'image', path, meta });
      }
      return {};
    },
  }),
];
