// Writes the shipped default model `models/diffgraph-shapes/` (diffusers ONNX layout), deterministically.
// and its stand-in feature extractor `models/features/diffgraph-shapes/` (FID/KID on its image set).
// Usage: npx tsx scripts/make-default-model.ts [--out DIR] [--features DIR]
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writePipelineFolder } from '../main/onnx/index.ts';
import { APP_ROOT, BUNDLED_MODELS_DIR } from '../main/paths.ts';
import { buildDefaultModel, LATENT_SIZE } from './default-model/build.ts';
import { writeFeatureModel } from './default-model/features.ts';
import { modelReadme } from './default-model/readme.ts';
import { shapeImageSet } from './default-model/shapes.ts';

export const DEFAULT_MODEL_NAME = 'diffgraph-shapes';
/** The stand-in feature extractor for FID/KID on the default model's images, and the image set. */
export const FEATURES_DIR = join(BUNDLED_MODELS_DIR, 'features', DEFAULT_MODEL_NAME);
const TOKENIZER_SOURCE = join(APP_ROOT, 'test', 'fixtures', 'clip-tokenizer');

/** Build into a sibling temp folder, then swap it in, so a failed run never leaves half a model. */
export async function makeDefaultModel(out: string): Promise<void> {
  const vocab = JSON.parse(await readFile(join(TOKENIZER_SOURCE, 'vocab.json'), 'utf8')) as Record<
    string,
    number
  >;
  const model = buildDefaultModel(vocab);
  const tmp = `${out}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await writePipelineFolder(tmp, {
    textEncoder: model.textEncoder,
    unet: model.unet,
    vaeDecoder: model.vaeDecoder,
    vaeEncoder: model.vaeEncoder,
    tokenizerSource: TOKENIZER_SOURCE,
    hiddenSize: model.hiddenSize,
    scalingFactor: Math.fround(model.vae.scalingFactor),
    latentSize: LATENT_SIZE,
  });
  await writeFile(join(tmp, 'README.md'), modelReadme(model));
  await rm(out, { recursive: true, force: true });
  await rename(tmp, out);
}

/** The feature extractor and reference images, swapped in like the model. */
export async function makeShapesFeatures(out: string): Promise<void> {
  const tmp = `${out}.tmp-${process.pid}`;
  await writeFeatureModel(tmp, shapeImageSet());
  await rm(out, { recursive: true, force: true });
  await rename(tmp, out);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, features: { type: 'string' } } });
  const out = resolve(values.out ?? join(BUNDLED_MODELS_DIR, DEFAULT_MODEL_NAME));
  await makeDefaultModel(out);
  console.log(`wrote ${out}`);
  const features = resolve(values.features ?? FEATURES_DIR);
  await makeShapesFeatures(features);
  console.log(`wrote ${features}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
