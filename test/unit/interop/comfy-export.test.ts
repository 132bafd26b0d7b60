// Export to ComfyUI and back: import(export(g)) gives g again on the part ComfyUI can express.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../../main/engine/registry.ts';
import { parseGraphJson } from '../../../main/graph/load.ts';
import type { GraphDocument } from '../../../main/graph/schema.ts';
import { importApiPrompt } from '../../../main/interop/comfy/api-format.ts';
import { exportComfyApi } from '../../../main/interop/comfy/export-api.ts';
import { exportComfyUi } from '../../../main/interop/comfy/export-ui.ts';
import { importUiWorkflow } from '../../../main/interop/comfy/ui-format.ts';
import { APP_ROOT } from '../../../main/paths.ts';
import { fixture, structure } from './helpers.ts';

const registry = defaultRegistry();
const shipped = parseGraphJson(
  readFileSync(join(APP_ROOT, 'graphs', 'default.json'), 'utf8'),
  'default.json',
).doc;
const imported = (name: string) => importUiWorkflow(fixture(name)).doc;

/** The graph without placeholder nodes and their wires: what ComfyUI's own classes express. */
function mappedPart(doc: GraphDocument) {
  const nodes = Object.fromEntries(Object.entries(doc.nodes).filter(([, n]) => !n.type.startsWith('comfy:')));
  const edges = doc.edges.filter((e) => nodes[e.from[0]] && nodes[e.to[0]]);
  return structure({ nodes, edges });
}

const viaApi = (doc: GraphDocument) => importApiPrompt(exportComfyApi(doc, registry).prompt).doc;
const viaUi = (doc: GraphDocument) => importUiWorkflow(exportComfyUi(doc, registry).workflow).doc;

describe('round trip through ComfyUI formats', () => {
  const graphs: [string, GraphDocument][] = [
    ['graphs/default.json', shipped],
    ['imported default workflow', imported('default-ui-0.4.json')],
    ['imported LoRA workflow', imported('lora-workflow-ui-1.json')],
  ];

  it.each(graphs)('%s: API format', (_, doc) => {
    expect(mappedPart(viaApi(doc))).toEqual(mappedPart(doc));
  });

  it.each(graphs)('%s: UI format, positions, titles and groups included', (_, doc) => {
    const back = viaUi(doc);
    expect(mappedPart(back)).toEqual(mappedPart(doc));
    for (const [id, node] of Object.entries(doc.nodes)) {
      expect(back.nodes[id]?.position, id).toEqual(node.position);
      expect(back.nodes[id]?.title, id).toEqual(node.title);
    }
    expect(back.groups ?? []).toEqual(doc.groups ?? []);
  });

  it('writes placeholders back unchanged in the UI format', () => {
    const source = fixture('lora-workflow-ui-1.json');
    const { workflow } = exportComfyUi(importUiWorkflow(source).doc, registry);
    const original = (source.nodes as { id: number }[]).find((n) => n.id === 12) as Record<string, unknown>;
    const written = (workflow.nodes as { id: number }[]).find((n) => n.id === 12) as Record<string, unknown>;
    expect(written.widgets_values).toEqual(original.widgets_values);
    expect(written.properties).toEqual(original.properties);
    expect(written.type).toBe('ImageFilterPlus');
  });
});

describe('what the exported files hold', () => {
  it("writes the KSampler's positional widgets_values exactly as ComfyUI's own file has them", () => {
    const source = fixture('default-ui-0.4.json');
    const { workflow } = exportComfyUi(importUiWorkflow(source).doc, registry);
    for (const id of [3, 4, 5, 6, 7, 9]) {
      const original = (source.nodes as { id: number; widgets_values: unknown }[]).find((n) => n.id === id);
      const written = (workflow.nodes as { id: number; widgets_values: unknown }[]).find((n) => n.id === id);
      expect(written?.widgets_values, `node ${id}`).toEqual(original?.widgets_values);
    }
  });

  it("writes API inputs and links as ComfyUI's API file has them", () => {
    const { prompt } = exportComfyApi(importApiPrompt(fixture('default-api.json')).doc, registry);
    const original = fixture('default-api.json') as Record<string, { inputs: unknown; class_type: string }>;
    for (const [id, node] of Object.entries(original)) {
      const written = prompt[id] as { inputs: unknown; class_type: string };
      expect(written.class_type, id).toBe(node.class_type);
      expect(written.inputs, id).toEqual(node.inputs);
    }
  });

  it('lets values edited in ComfyUI win over the stored Diffgraph values', () => {
    const { prompt } = exportComfyApi(shipped, registry);
    (prompt.sampler as { inputs: Record<string, unknown> }).inputs.steps = 33;
    (prompt.sampler as { inputs: Record<string, unknown> }).inputs.sampler_name = 'heun';
    const back = importApiPrompt(prompt).doc;
    expect(back.nodes.schedule.widgets.steps).toBe(33);
    expect(back.nodes.sampler.widgets.sampler).toBe('heun');
  });

  it('reports Diffgraph nodes ComfyUI cannot express instead of guessing', () => {
    const doc = structuredClone(shipped);
    doc.nodes.schedule.widgets.scheduler = 'geometric';
    doc.nodes.noise = { type: 'AddNoise', widgets: {} };
    const { report, prompt } = exportComfyApi(doc, registry);
    expect([...report.skipped].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'noise', type: 'AddNoise', reason: "ComfyUI has no node for Diffgraph's AddNoise" },
      { id: 'sampler', type: 'Sampler', reason: 'ComfyUI has no scheduler "geometric"' },
      {
        id: 'schedule',
        type: 'NoiseSchedule',
        reason: 'only a NoiseSchedule that feeds one Sampler exports (inside a KSampler)',
      },
    ]);
    expect(prompt.sampler).toBeUndefined();
  });
});

describe('step ranges, clip skip, zeroed conditioning and latent upscales', () => {
  const source = fixture('two-pass-api.json');
  const { doc, report } = importApiPrompt(source);

  it('import with nothing left as a placeholder', () => {
    expect(report.unmapped).toEqual([]);
    expect(doc.nodes['16.schedule'].widgets).toMatchObject({ start_at_step: 4, end_at_step: 10000 });
    expect(doc.nodes['17']).toMatchObject({
      type: 'UpscaleLatent',
      widgets: { upscale_method: 'bislerp', width: 192, height: 128, crop: 'center' },
    });
    expect(doc.nodes['15'].type).toBe('ZeroConditioning');
  });

  it('round-trip through both formats', () => {
    expect(mappedPart(viaApi(doc))).toEqual(mappedPart(doc));
    expect(mappedPart(viaUi(doc))).toEqual(mappedPart(doc));
  });

  it("export back to ComfyUI's API inputs exactly as the prompt had them", () => {
    const { prompt } = exportComfyApi(doc, registry);
    for (const id of ['3', '16', '11', '15', '17']) {
      const original = source[id] as { inputs: unknown; class_type: string };
      const back = prompt[id] as { inputs: unknown; class_type: string };
      expect(back.class_type, id).toBe(original.class_type);
      expect(back.inputs, id).toEqual(original.inputs);
    }
  });
});

describe('values ComfyUI cannot hold', () => {
  it('reports a Text Encode clip skip, which ComfyUI sets with CLIPSetLastLayer', () => {
    const doc = structuredClone(shipped);
    const encoder = Object.entries(doc.nodes).find(([, n]) => n.type === 'TextEncode');
    if (!encoder) throw new Error('the default graph has a Text Encode');
    encoder[1].widgets = { ...encoder[1].widgets, clip_skip: 2 };
    const { report } = exportComfyApi(doc, registry);
    expect(report.problems).toEqual([
      `TextEncode ${encoder[0]}: clip_skip 2 is not written (ComfyUI sets it with CLIPSetLastLayer before the encoder: use a Set Clip Skip node)`,
    ]);
    expect(exportComfyApi(shipped, registry).report.problems).toEqual([]);
  });
});
