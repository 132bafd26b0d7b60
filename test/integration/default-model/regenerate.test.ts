// The committed default model is exactly what scripts/make-default-model.ts makes (deterministic),
// so the shipped binaries can always be rebuilt and reviewed from source.
import { mkdtempSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURES_DIR, makeDefaultModel, makeShapesFeatures } from '../../../scripts/make-default-model.ts';
import { MODEL_DIR } from './shipped-model.ts';

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)));
  }
  return out.sort();
}

describe('make-default-model', () => {
  it('rebuilds the committed models/diffgraph-shapes byte for byte', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'diffgraph-model-')), 'diffgraph-shapes');
    await makeDefaultModel(out);
    const names = await files(MODEL_DIR);
    expect(await files(out)).toEqual(names);
    for (const name of names) {
      const same = (await readFile(join(out, name))).equals(await readFile(join(MODEL_DIR, name)));
      expect(same, `${name} differs: run npx tsx scripts/make-default-model.ts`).toBe(true);
    }
  }, 180_000);

  it('rebuilds the committed models/features/diffgraph-shapes (feature extractor and image set) byte for byte', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'diffgraph-features-')), 'diffgraph-shapes');
    await makeShapesFeatures(out);
    const names = await files(FEATURES_DIR);
    expect(names).toContain('model.onnx');
    expect(names.filter((n) => n.startsWith('reference/'))).toHaveLength(180);
    expect(await files(out)).toEqual(names);
    for (const name of names) {
      const same = (await readFile(join(out, name))).equals(await readFile(join(FEATURES_DIR, name)));
      expect(same, `${name} differs: run npx tsx scripts/make-default-model.ts`).toBe(true);
    }
  }, 180_000);
});
