// Every graph shipped in graphs/ loads, validates and runs headless with the default model.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../main/engine/events.ts';
import { Engine } from '../../../main/engine/execute/engine.ts';
import { defaultRegistry } from '../../../main/engine/registry.ts';
import { createRuntimeServices } from '../../../main/engine/runtime-services.ts';
import { loadGraphFile } from '../../../main/graph/load.ts';
import { BUNDLED_GRAPHS_DIR } from '../../../main/paths.ts';
import type { ImageBatch } from '../../../nodes/types.ts';
import { loadDefaultModel, nearest, reconstructedSet, type SetImage } from './sampling-helpers.ts';

/** Images each graph must write (SaveImage files and previews). */
const EXPECTED_IMAGES: Record<string, number> = {
  'default.json': 1,
  'img2img.json': 2,
  'forward-process.json': 6,
  'ddpm-vs-ddim.json': 2,
  'langevin.json': 1,
  'cfg-sweep.json': 4,
  'evaluate-samplers.json': 0, // scores, no images
};

/**
 * Graphs for checkpoints that are not shipped: they must validate here; they run in the tests of their
 * feature with tiny stand-ins (SDXL: test/integration/checkpoint/sdxl-nodes.test.ts).
 */
const NEEDS_CHECKPOINTS = ['sdxl-base-refiner.json'];

/** What the descriptions promise each image shows (its nearest set image, "size colour shape position"). */
const PROMISED: Record<string, Record<string, string>> = {
  'default.json': { diffgraph: 'red circle' },
  'cfg-sweep.json': { cfg_1: 'green ring', cfg_2: 'yellow ring', cfg_5: 'yellow ring' },
  'ddpm-vs-ddim.json': { ddpm: 'green cross', ddim: 'green cross' },
  'langevin.json': { langevin: 'large purple ring' },
  'img2img.json': { preview: 'small red circle left', img2img: 'small red square left' },
};

async function pngAsBatch(path: string): Promise<ImageBatch> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: Float32Array.from(data, (v) => v / 255), shape: [1, info.height, info.width, 3] };
}

let set: SetImage[] | undefined;
async function classOf(path: string): Promise<string> {
  set ??= await reconstructedSet(await loadDefaultModel());
  const nn = nearest(await pngAsBatch(path), 0, set);
  return `${nn.image.size} ${nn.image.colour} ${nn.image.shape} ${nn.image.position}`;
}

const registry = defaultRegistry();
const root = mkdtempSync(join(tmpdir(), 'diffgraph-graphs-'));
const runtime = createRuntimeServices({
  paths: { models: join(root, 'models'), input: join(root, 'input'), output: join(root, 'output') },
  device: 'cpu',
});
const engine = new Engine({ registry, runtime, logger: { info: () => {}, warn: () => {}, error: () => {} } });

describe('example graphs', () => {
  it('are exactly the documented set', () => {
    expect(
      readdirSync(BUNDLED_GRAPHS_DIR)
        .filter((n) => n.endsWith('.json'))
        .sort(),
    ).toEqual([...Object.keys(EXPECTED_IMAGES), ...NEEDS_CHECKPOINTS].sort());
  });

  for (const name of NEEDS_CHECKPOINTS) {
    it(`${name} has a title and description and validates without its checkpoints`, async () => {
      const { doc, problems } = await loadGraphFile(join(BUNDLED_GRAPHS_DIR, name));
      expect(problems).toEqual([]);
      expect(doc.title?.length).toBeGreaterThan(5);
      expect(doc.description?.length).toBeGreaterThan(40);
      expect(engine.validate(doc)).toEqual([]);
    });
  }

  for (const [name, images] of Object.entries(EXPECTED_IMAGES)) {
    it(`${name} has a title and description, validates and runs headless`, async () => {
      const { doc, problems } = await loadGraphFile(join(BUNDLED_GRAPHS_DIR, name));
      expect(problems).toEqual([]);
      expect(doc.title?.length).toBeGreaterThan(5);
      expect(doc.description?.length).toBeGreaterThan(40);
      expect(engine.validate(doc)).toEqual([]);
      const events: EngineEvent[] = [];
      const result = await engine.run(doc, { onEvent: (e) => events.push(e) });
      expect(result.error).toBeUndefined();
      expect(result.status).toBe('done');
      expect(events.filter((e) => e.type === 'node-warning')).toEqual([]);
      const files = result.outputs.filter((o) => o.kind === 'image');
      expect(files).toHaveLength(images);
      for (const file of files) {
        expect(existsSync(file.path)).toBe(true);
        const meta = await sharp(file.path).metadata();
        expect([meta.width, meta.height]).toEqual([128, 128]);
      }
      for (const [prefix, expected] of Object.entries(PROMISED[name] ?? {})) {
        const file = files.find(
          (f) =>
            f.path.endsWith(`/${prefix}_00001.png`) || new RegExp(`/${prefix}_\\d{5}\\.png$`).test(f.path),
        );
        if (!file) throw new Error(`${name} wrote no ${prefix} image`);
        expect(await classOf(file.path), `${name} ${prefix}`).toContain(expected);
      }
    }, 300_000);
  }
});
