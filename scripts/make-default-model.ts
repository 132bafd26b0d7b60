// Writes the shipped default model `models/diffgraph-shapes/` (diffusers ONNX layout), deterministically.
// Usage: npx tsx scripts/make-default-model.ts [--out DIR]
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writePipelineFolder } from '../main/onnx/index.ts';
import { APP_ROOT, BUNDLED_MODELS_DIR } from '../main/paths.ts';
import { buildDefaultModel, LATENT_SIZE } from './default-model/build.ts';
import { modelReadme } from './default-model/readme.ts';

export const DEFAULT_MODEL_NAME = 'diffgraph-shapes';
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

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const out = resolve(values.out ?? join(BUNDLED_MODELS_DIR, DEFAULT_MODEL_NAME));
  await makeDefaultModel(out);
  console.log(`wrote ${out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
