// Every shipped template has a thumbnail (made by scripts/make-template-thumbnails.ts), small
// enough to travel as a data URL, and the host hands them out keyed by template id.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readTemplateThumbnails, THUMBNAILS_FOLDER } from '../../../main/host/template-thumbnails.ts';
import { BUNDLED_GRAPHS_DIR, BUNDLED_MODELS_DIR } from '../../../main/paths.ts';
import { imagesOnly } from '../../../scripts/template-thumbnails/images-only.ts';
import { unshippedModels } from '../../../scripts/template-thumbnails/shipped-models.ts';

// Templates that load models Diffgraph does not ship (the SDXL example) cannot be run for a thumbnail.
const templates = readdirSync(BUNDLED_GRAPHS_DIR)
  .filter((name) => name.endsWith('.json'))
  .filter((name) => {
    const graph = JSON.parse(readFileSync(join(BUNDLED_GRAPHS_DIR, name), 'utf8'));
    return unshippedModels(graph, BUNDLED_MODELS_DIR).length === 0;
  })
  .sort();

describe('template thumbnails', () => {
  it('exist for every template that runs on the shipped models and are small PNGs', async () => {
    expect(templates.length).toBeGreaterThan(5);
    expect(templates).not.toContain('sdxl-base-refiner.json');
    for (const name of templates) {
      const file = join(BUNDLED_GRAPHS_DIR, THUMBNAILS_FOLDER, name.replace(/\.json$/, '.png'));
      const meta = await sharp(file)
        .metadata()
        .catch(() => null);
      expect(meta, `${file} is missing or not an image`).not.toBeNull();
      expect(meta?.format).toBe('png');
      expect(Math.max(meta?.width ?? 0, meta?.height ?? 0)).toBeLessThanOrEqual(128);
    }
  });

  it('are served as PNG data URLs keyed by template id', async () => {
    const thumbnails = await readTemplateThumbnails(BUNDLED_GRAPHS_DIR);
    expect(Object.keys(thumbnails).sort()).toEqual(templates.map((name) => `template:${name}`));
    for (const url of Object.values(thumbnails)) expect(url).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
  });

  it('a template that only scores samples is previewed from its first decoder', () => {
    const graph = {
      nodes: {
        decode: { type: 'VAEDecode' },
        other: { type: 'VAEDecode' },
        fid: { type: 'FID' },
        src: { type: 'Sampler' },
      },
      edges: [
        { from: ['src', 'latent'], to: ['decode', 'latent'] },
        { from: ['src', 'latent'], to: ['other', 'latent'] },
        { from: ['decode', 'image'], to: ['fid', 'images'] },
      ] as { from: [string, string]; to: [string, string] }[],
    };
    const preview = imagesOnly(graph);
    expect(Object.keys(preview.nodes).sort()).toEqual(['decode', 'decode_thumbnail', 'src']);
    expect(preview.edges).toContainEqual({ from: ['decode', 'image'], to: ['decode_thumbnail', 'image'] });
  });
});
