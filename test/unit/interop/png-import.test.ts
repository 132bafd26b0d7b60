// PNGs written the way ComfyUI and A1111 write them (PIL tEXt chunks; see fixtures/comfy/make-pngs.py).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphLoadError } from '../../../main/graph/load.ts';
import { graphFromForeignBytes } from '../../../main/interop/host-import.ts';
import { loadAnyGraphFile as loadGraphFile } from '../../../main/interop/load-graph-file.ts';
import { COMFY_FIXTURES, fixture, structure } from './helpers.ts';

const png = (name: string) => join(COMFY_FIXTURES, name);

describe('ComfyUI PNGs', () => {
  it('prefers the workflow chunk over the prompt chunk', async () => {
    const { doc, importReport } = await loadGraphFile(png('comfy-both-chunks.png'));
    expect(importReport?.source).toBe('comfy-ui');
    expect(structure(doc)).toEqual(structure(fixture('default-expected.json')));
    expect(doc.nodes['3'].position).toEqual([863, 186]); // only the UI workflow has positions
  });

  it('falls back to the prompt chunk when the workflow chunk is not JSON, and says so', async () => {
    const { doc, importReport } = await loadGraphFile(png('comfy-broken-workflow.png'));
    const report = importReport;
    expect(report?.source).toBe('comfy-api');
    expect(report?.warnings[0]).toMatch(
      /^the PNG's "workflow" text is not valid JSON .*; the "prompt" chunk was used instead$/,
    );
    expect(structure(doc)).toEqual(structure(fixture('default-expected.json')));
  });

  it('gives a clear error for a PNG whose only workflow chunk is not JSON', async () => {
    const error = (await loadGraphFile(png('comfy-only-broken.png')).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(GraphLoadError);
    expect(error.message).toMatch(/comfy-only-broken\.png: the PNG's "workflow" text is not valid JSON/);
  });
});

describe('A1111 / Forge PNGs', () => {
  it('builds the txt2img graph with LoRA tags, old-style sampler names and notes on what is dropped', async () => {
    const { doc, importReport } = await loadGraphFile(png('a1111-lora.png'));
    const report = importReport;
    expect(report?.source).toBe('a1111');
    expect(doc.nodes.checkpoint).toMatchObject({
      type: 'LoadPipeline',
      widgets: { model: 'diffgraph-shapes' },
    });
    expect(doc.nodes.lora1).toMatchObject({
      type: 'LoadLoRA',
      widgets: { lora: 'shape-style', strength_model: 0.7, strength_clip: 0.7 },
    });
    // A1111 splits long prompts at a near comma (its comma_padding_backtrack default, 20).
    expect(doc.nodes.positive.widgets).toEqual({
      text: 'a small red circle on the left,',
      comma_backtrack: 20,
    });
    expect(doc.nodes.negative.widgets).toEqual({ text: 'blue, green', comma_backtrack: 20 });
    expect(doc.nodes.latent.widgets).toEqual({ width: 128, height: 128, batch: 1, channels: 4 });
    expect(doc.nodes.sampler.widgets).toEqual({ sampler: 'dpmpp_2m', cfg: 5, seed: 1234, add_noise: true });
    expect(doc.nodes['sampler.schedule'].widgets).toEqual({ scheduler: 'karras', steps: 8, denoise: 1 });
    const edges = structure(doc).edges;
    // Clip skip 2 becomes CLIPSetLastLayer −2 → SetClipSkip 2 between the LoRA and the prompts
    expect(doc.nodes.clipSkip).toMatchObject({ type: 'SetClipSkip', widgets: { clip_skip: 2 } });
    expect(edges).toContain(
      JSON.stringify([
        ['lora1', 'clip'],
        ['clipSkip', 'clip'],
      ]),
    );
    expect(edges).toContain(
      JSON.stringify([
        ['clipSkip', 'clip'],
        ['positive', 'clip'],
      ]),
    );
    expect(edges).toContain(
      JSON.stringify([
        ['lora1', 'model'],
        ['sampler', 'model'],
      ]),
    );
    expect(report?.warnings).toEqual([]);
    // the short hash is kept for matching the model on disk (main/interop/model-match.ts)
    expect(report?.modelHashes).toEqual({ checkpoint: 'a1b2c3d4e5' });
  });

  it('reads Forge settings: Schedule type and quoted values', async () => {
    const { doc } = await loadGraphFile(png('a1111-basic.png'));
    expect(doc.nodes.sampler.widgets).toEqual({
      sampler: 'euler_ancestral',
      cfg: 4.5,
      seed: 77,
      add_noise: true,
    });
    expect(doc.nodes['sampler.schedule'].widgets).toEqual({ scheduler: 'karras', steps: 6, denoise: 1 });
    expect(doc.nodes.negative.widgets).toEqual({ text: '', comma_backtrack: 20 });
  });
});

describe('the editor drop path', () => {
  it('imports ComfyUI JSON and PNG bytes, and leaves Diffgraph files to the normal reader', async () => {
    const fromJson = await graphFromForeignBytes(readFileSync(join(COMFY_FIXTURES, 'default-ui-0.4.json')));
    expect(structure(fromJson)).toEqual(structure(fixture('default-expected.json')));
    expect(fromJson?.importReport).toEqual({ source: 'comfy-ui', unmapped: [], warnings: [] });
    const fromPng = await graphFromForeignBytes(readFileSync(png('a1111-basic.png')));
    expect(structure(fromPng).nodes.sampler).toEqual({
      type: 'Sampler',
      widgets: { sampler: 'euler_ancestral', cfg: 4.5, seed: 77, add_noise: true },
    });
    expect(
      await graphFromForeignBytes(readFileSync(join(COMFY_FIXTURES, 'default-expected.json'))),
    ).toBeNull();
    await expect(graphFromForeignBytes(readFileSync(png('comfy-only-broken.png')))).rejects.toThrow(
      /not valid JSON/,
    );
  });
});
