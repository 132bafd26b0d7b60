// Makes the templates browser's thumbnails: runs every example graph in graphs/ headless on the
// engine (CPU, so the pixels do not depend on a GPU driver) and writes a small PNG of its images
// to graphs/thumbnails/<name>.png. The templates fix their seeds, so a re-run writes the same files.
// Usage: npx tsx scripts/make-template-thumbnails.ts [--only default.json]
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EngineClient } from '../main/engine/transport/client.ts';
import { THUMBNAILS_FOLDER, thumbnailName } from '../main/host/template-thumbnails.ts';
import { BUNDLED_GRAPHS_DIR, BUNDLED_MODELS_DIR } from '../main/paths.ts';
import { writeFileAtomic } from '../main/util/atomic-write.ts';
import { contactSheet } from './template-thumbnails/contact-sheet.ts';
import { imagesOnly } from './template-thumbnails/images-only.ts';
import { unshippedModels } from './template-thumbnails/shipped-models.ts';

const { values } = parseArgs({ options: { only: { type: 'string' } } });

async function main(): Promise<void> {
  const names = (await readdir(BUNDLED_GRAPHS_DIR))
    .filter((name) => name.endsWith('.json') && (!values.only || name === values.only))
    .sort();
  const home = await mkdtemp(join(tmpdir(), 'diffgraph-thumbnails-'));
  const paths = { models: BUNDLED_MODELS_DIR, input: join(home, 'input'), output: join(home, 'output') };
  await Promise.all([mkdir(paths.input), mkdir(paths.output)]);
  const client = await EngineClient.start({ paths, device: 'cpu', modelSearchPath: [BUNDLED_MODELS_DIR] });
  const outDir = join(BUNDLED_GRAPHS_DIR, THUMBNAILS_FOLDER);
  await mkdir(outDir, { recursive: true });
  try {
    for (const name of names) {
      const doc = JSON.parse(await readFile(join(BUNDLED_GRAPHS_DIR, name), 'utf8'));
      const missing = unshippedModels(doc, BUNDLED_MODELS_DIR);
      if (missing.length > 0) {
        console.log(`${name}: no thumbnail (needs ${missing.join(', ')}, not shipped)`);
        continue;
      }
      const graph = imagesOnly(doc);
      const started = Date.now();
      const result = await client.run(graph);
      if (result.status !== 'done')
        throw new Error(`${name}: the run ${result.status}: ${result.error?.message}`);
      const images = result.outputs.filter((output) => output.kind === 'image').map((output) => output.path);
      if (images.length === 0) throw new Error(`${name}: the run made no image`);
      await writeFileAtomic(join(outDir, thumbnailName(name)), await contactSheet(images));
      console.log(`${name}: ${images.length} images, ${Date.now() - started} ms`);
    }
  } finally {
    await client.close();
    await rm(home, { recursive: true, force: true });
  }
}

await main();
