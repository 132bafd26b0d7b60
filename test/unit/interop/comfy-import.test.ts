// ComfyUI workflow import: the default workflow in both formats, a workflow with LoRA, clip skip,
// reroutes, groups and custom nodes (placeholders keep their data), models recorded on loader nodes,
// and the loader a checkpoint name chooses.
import { describe, expect, it } from 'vitest';
import { importApiPrompt } from '../../../main/interop/comfy/api-format.ts';
import { importUiWorkflow } from '../../../main/interop/comfy/ui-format.ts';
import { importForeignJson } from '../../../main/interop/import-file.ts';
import { fixture, structure } from './helpers.ts';

const expected = structure(fixture('default-expected.json'));

describe('ComfyUI default workflow', () => {
  it.each(['default-ui-0.4.json', 'default-ui-1.json', 'default-api.json'])(
    '%s imports to the expected graph',
    (name) => {
      const result = importForeignJson(fixture(name));
      expect(result).not.toBeNull();
      expect(structure(result?.doc)).toEqual(expected);
      expect(result?.report.unmapped).toEqual([]);
      expect(result?.report.warnings).toEqual([]);
    },
  );

  it('decodes control_after_generate into seedControl and keeps positions and sizes', () => {
    const { doc } = importUiWorkflow(fixture('default-ui-0.4.json'));
    expect(doc.nodes['3'].seedControl).toEqual({ seed: 'randomize' });
    expect(doc.nodes['3'].position).toEqual([863, 186]);
    expect(doc.nodes['3'].size).toEqual([315, 262]);
    expect(doc.nodes['7'].size).toEqual([425.27801513671875, 180.6060791015625]);
    // the schedule half of the KSampler sits below it
    const schedule = doc.nodes['3.schedule'].position as [number, number];
    expect(schedule[0]).toBe(863);
    expect(schedule[1]).toBeGreaterThan(186 + 262);
  });

  it('reads the source of each format', () => {
    expect(importForeignJson(fixture('default-ui-1.json'))?.report.source).toBe('comfy-ui');
    expect(importForeignJson(fixture('default-api.json'))?.report.source).toBe('comfy-api');
    expect(importForeignJson({ prompt: fixture('default-api.json'), client_id: 'x' })?.report.source).toBe(
      'comfy-api',
    );
    expect(importForeignJson(fixture('default-expected.json'))).toBeNull();
  });
});

describe('a workflow with LoRA, clip skip, KSamplerAdvanced, reroutes, groups and custom nodes', () => {
  const source = fixture('lora-workflow-ui-1.json');
  const { doc, report } = importUiWorkflow(source);

  it('maps what Diffgraph has and keeps the rest as placeholders with reasons', () => {
    expect(doc.nodes['10']).toMatchObject({
      type: 'LoadLoRA',
      widgets: { lora: 'my-style.safetensors', strength_model: 0.8, strength_clip: 0.6 },
    });
    expect(doc.nodes['3']).toMatchObject({
      type: 'Sampler',
      widgets: { sampler: 'dpmpp_2m', cfg: 6, seed: 7, add_noise: true, leftover_noise: false },
      seedControl: { seed: 'fixed' },
    });
    expect(doc.nodes['3.schedule']).toMatchObject({
      type: 'NoiseSchedule',
      widgets: { scheduler: 'karras', steps: 10, start_at_step: 0, end_at_step: 10000 },
    });
    // CLIPSetLastLayer −2 is clip skip 2; LatentUpscaleBy keeps its method and factor
    expect(doc.nodes['11']).toMatchObject({ type: 'SetClipSkip', widgets: { clip_skip: 2 } });
    expect(doc.nodes['14']).toMatchObject({
      type: 'UpscaleLatentBy',
      widgets: { upscale_method: 'nearest-exact', scale_by: 1.5 },
    });
    expect(report.unmapped.map((u) => [u.id, u.type])).toEqual([['12', 'ImageFilterPlus']]);
    expect(report.unmapped[0].reason).toMatch(/custom node from "comfyui-imagefilterplus"/);
  });

  it('keeps each placeholder node exactly as the file had it', () => {
    const original = (source.nodes as { id: number }[]).find((n) => n.id === 12);
    expect(doc.nodes['12'].type).toBe('comfy:ImageFilterPlus');
    expect(doc.nodes['12'].comfy).toEqual(original);
    // wires to and from placeholders use ComfyUI's socket names
    const edges = doc.edges.map((e) => JSON.stringify([e.from, e.to]));
    expect(edges).toContain(
      JSON.stringify([
        ['8', 'image'],
        ['12', 'image'],
      ]),
    );
    expect(edges).toContain(
      JSON.stringify([
        ['12', 'IMAGE'],
        ['13', 'image'],
      ]),
    );
    expect(edges).toContain(
      JSON.stringify([
        ['11', 'clip'],
        ['6', 'clip'],
      ]),
    );
    expect(edges).toContain(
      JSON.stringify([
        ['3', 'latent'],
        ['14', 'latent'],
      ]),
    );
  });

  it('carries bypass, mute, titles, colours, groups, notes, models and reroutes', () => {
    expect(doc.nodes['14'].bypass).toBe(true);
    expect(doc.nodes['9'].mute).toBe(true);
    expect(doc.nodes['6']).toMatchObject({ title: 'Positive', color: '#232', bgcolor: '#353' });
    expect(doc.groups).toEqual([{ title: 'Prompts', bounds: [400, 100, 460, 480], color: '#3f789e' }]);
    expect(doc.notes).toEqual([
      { text: 'LoRA and clip skip as in the original workflow', position: [20, 40], size: [300, 80] },
    ]);
    expect(doc.models).toEqual([{ name: 'my-style.safetensors', sha256: `${'ab12cd34ef56'.repeat(5)}ab12` }]);
    // native reroute (format 1) and a legacy Reroute node become wire points
    const vae = doc.edges.find((e) => e.to[0] === '8' && e.to[1] === 'vae');
    expect(vae?.points).toEqual([[1400, 420]]);
    const latent = doc.edges.find((e) => e.to[0] === '3' && e.to[1] === 'latent');
    expect(latent).toMatchObject({ from: ['5', 'latent'], points: [[760, 640]] });
    expect(Object.keys(doc.nodes)).not.toContain('20');
  });
});

describe("models recorded on the loader nodes (the ComfyUI frontend's properties.models)", () => {
  it('are read beside the top-level list, which wins for a name listed in both', () => {
    const source = structuredClone(fixture('default-ui-1.json')) as { nodes: Record<string, unknown>[] };
    const loader = source.nodes.find((n) => n.type === 'CheckpointLoaderSimple');
    if (!loader) throw new Error('fixture has no CheckpointLoaderSimple');
    const sha = 'c0ffee'.repeat(10).slice(0, 64);
    loader.properties = {
      models: [
        {
          name: 'v1-5-pruned-emaonly.safetensors',
          url: 'https://example.invalid/x',
          hash: sha.toUpperCase(),
          hash_type: 'SHA256',
          directory: 'checkpoints',
        },
        { name: 'other.safetensors', hash: '1234', hash_type: 'MD5' },
      ],
    };
    const { doc } = importUiWorkflow(source);
    expect(doc.models).toEqual([{ name: 'v1-5-pruned-emaonly.safetensors', sha256: sha }]);
    (source as Record<string, unknown>).models = [
      { name: 'v1-5-pruned-emaonly.safetensors', hash: 'ab'.repeat(32) },
    ];
    expect(importUiWorkflow(source).doc.models).toEqual([
      { name: 'v1-5-pruned-emaonly.safetensors', sha256: 'ab'.repeat(32) },
    ]);
  });
});

describe('checkpoint names choose the loader', () => {
  it.each([
    ['diffgraph-shapes', 'LoadPipeline', 'model'],
    ['sd15/onnx', 'LoadPipeline', 'model'],
    ['v1-5-pruned-emaonly.ckpt', 'LoadCheckpoint', 'checkpoint'],
    ['dreamshaper_8.safetensors', 'LoadCheckpoint', 'checkpoint'],
  ])('%s → %s', (name, type, widget) => {
    const { doc } = importApiPrompt({
      '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: name } },
    });
    expect(doc.nodes['1']).toEqual({ type, widgets: { [widget]: name } });
  });
});
