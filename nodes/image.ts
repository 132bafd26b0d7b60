// Image files: LoadImage (input folder -> IMAGE), PreviewImage (temporary PNGs for the editor),
// SaveImage (numbered PNGs in the output folder carrying the graph that made them).
import { defineNode, type NodeContext, type NodeDefinition, NodeInputError } from './api.ts';
import { graphSeeds } from './graph-seeds.ts';
import { asImage } from './inputs.ts';
import { setModelReferences } from './model-references.ts';
import type { ImageBatch } from './types.ts';
import { onInput } from './widget-errors.ts';

const CATEGORY = 'image';
const PREVIEW_PREFIX = '.previews/preview';
const PREVIEWS_KEPT = 200;

/** The image file a widget value names, checked to exist. */
function imagePath(ctx: NodeContext, name: string): string {
  if (name.trim() === '') throw new NodeInputError('image', 'no image chosen');
  const { files } = ctx.services;
  const path = onInput('image', () => files.inputPath(name, 'image', ['input']));
  if (!files.isFile(path)) {
    throw new NodeInputError(
      'image',
      `image file ${path} not found (names are relative to the input folder ${ctx.runtime.paths.input})`,
    );
  }
  return path;
}

async function loadImage(ctx: NodeContext, name: string): Promise<ImageBatch> {
  const path = imagePath(ctx, name);
  try {
    return await ctx.services.images.decodeFile(path);
  } catch (error) {
    throw new NodeInputError(
      'image',
      `${path} could not be decoded as an image (expected PNG, JPEG, WebP, GIF, TIFF or AVIF): ${(error as Error).message}`,
    );
  }
}

/** The graph being run with the models it names and their hashes, as SaveImage embeds it. */
async function graphWithModels(ctx: NodeContext): Promise<unknown> {
  const { graph } = ctx.run;
  return setModelReferences(graph, await ctx.run.modelReferences());
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
    cacheKey: (ctx, inputs) => ctx.services.files.fingerprint(imagePath(ctx, String(inputs.image ?? ''))),
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
      const image = asImage(inputs.image);
      const { files, images } = ctx.services;
      for (let i = 0; i < image.shape[0]; i++) {
        ctx.signal.throwIfAborted(); // a cancelled run stops between batch items
        const png = await images.encodePng(image, i);
        const path = await files.writeNumbered(PREVIEW_PREFIX, '.png', png, { keep: PREVIEWS_KEPT });
        ctx.output({
          kind: 'image',
          path,
          meta: { preview: true, batchIndex: i, width: image.shape[2], height: image.shape[1] },
        });
      }
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
      const image = asImage(inputs.image);
      const { files, images } = ctx.services;
      const prefix = onInput('prefix', () => files.outputPrefix(String(inputs.prefix ?? '')));
      // The codec encodes on its own threads: start every image's PNG first, so that the encoding
      // overlaps with collecting the graph's model references (hashes) on this thread
      const encoding = Promise.all(
        Array.from({ length: image.shape[0] }, (_, i) => images.encodePng(image, i)),
      );
      const [graph, pngs] = await Promise.all([graphWithModels(ctx), encoding]);
      const seeds = graphSeeds(graph);
      const seed = Object.values(seeds)[0];
      for (const [i, png] of pngs.entries()) {
        ctx.signal.throwIfAborted(); // a cancelled run stops between batch items
        const data = graph ? files.embedGraph(png, graph) : png;
        const path = await files.writeNumbered(prefix, '.png', data);
        const meta = { seed, seeds, batchIndex: i, width: image.shape[2], height: image.shape[1] };
        ctx.output({ kind: 'image', path, meta });
      }
      return {};
    },
  }),
];
