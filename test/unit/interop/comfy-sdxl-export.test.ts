// TextEncodeSDXL exports as ComfyUI's CLIPTextEncodeSDXL (or CLIPTextEncodeSDXLRefiner when an aesthetic
// score is set), with ComfyUI's widget order, and importing the export gives the same nodes and wires.
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../../main/engine/registry.ts';
import type { GraphDocument } from '../../../main/graph/schema.ts';
import { importApiPrompt } from '../../../main/interop/comfy/api-format.ts';
import { exportComfyApi } from '../../../main/interop/comfy/export-api.ts';
import { exportComfyUi } from '../../../main/interop/comfy/export-ui.ts';
import { importUiWorkflow } from '../../../main/interop/comfy/ui-format.ts';
import { structure } from './helpers.ts';

const registry = defaultRegistry();

const baseWidgets = {
  text_g: 'a lighthouse',
  text_l: 'oil painting',
  width: 1024,
  height: 768,
  crop_w: 8,
  crop_h: 16,
  target_width: 896,
  target_height: 640,
};
const refinerWidgets = { text_g: 'a lighthouse', aesthetic_score: 6, width: 1024, height: 1024 };

function sdxlGraph(base: Record<string, unknown>, refiner: Record<string, unknown>): GraphDocument {
  return {
    format: 'diffgraph',
    version: 1,
    nodes: {
      ckpt: { type: 'LoadCheckpoint', widgets: { checkpoint: 'sd_xl_base_1.0.safetensors' } },
      base: { type: 'TextEncodeSDXL', widgets: base },
      refiner: { type: 'TextEncodeSDXL', widgets: refiner },
    },
    edges: [
      { from: ['ckpt', 'clip'], to: ['base', 'clip'] },
      { from: ['ckpt', 'clip'], to: ['refiner', 'clip'] },
    ],
  } as GraphDocument;
}

/** The two text encoders and the wires into them. */
function textPart(doc: GraphDocument) {
  const { nodes, edges } = structure(doc);
  return { base: nodes.base, refiner: nodes.refiner, edges: edges.filter((e) => !e.includes('"ckpt"]]')) };
}

describe('TextEncodeSDXL export to ComfyUI', () => {
  const doc = sdxlGraph(baseWidgets, refinerWidgets);

  it('writes CLIPTextEncodeSDXL and CLIPTextEncodeSDXLRefiner with their API inputs', () => {
    const { prompt, report } = exportComfyApi(doc, registry);
    expect(report.skipped.filter((s) => s.id !== 'ckpt')).toEqual([]);
    expect(report.problems).toEqual([]);
    expect(prompt.base).toMatchObject({
      class_type: 'CLIPTextEncodeSDXL',
      inputs: {
        width: 1024,
        height: 768,
        crop_w: 8,
        crop_h: 16,
        target_width: 896,
        target_height: 640,
        text_g: 'a lighthouse',
        text_l: 'oil painting',
        clip: ['ckpt', 1],
      },
    });
    expect(prompt.refiner).toMatchObject({
      class_type: 'CLIPTextEncodeSDXLRefiner',
      inputs: { ascore: 6, width: 1024, height: 1024, text: 'a lighthouse', clip: ['ckpt', 1] },
    });
  });

  it("writes widgets_values in ComfyUI's INPUT_TYPES order", () => {
    const { workflow } = exportComfyUi(doc, registry);
    const nodes = workflow.nodes as { type: string; widgets_values: unknown[] }[];
    const byType = (type: string) => nodes.find((n) => n.type === type)?.widgets_values;
    expect(byType('CLIPTextEncodeSDXL')).toEqual([
      1024,
      768,
      8,
      16,
      896,
      640,
      'a lighthouse',
      'oil painting',
    ]);
    expect(byType('CLIPTextEncodeSDXLRefiner')).toEqual([6, 1024, 1024, 'a lighthouse']);
  });

  it('comes back unchanged through the API and the UI format', () => {
    const viaApi = importApiPrompt(exportComfyApi(doc, registry).prompt).doc;
    const viaUi = importUiWorkflow(exportComfyUi(doc, registry).workflow).doc;
    expect(textPart(viaApi)).toEqual(textPart(doc));
    expect(textPart(viaUi)).toEqual(textPart(doc));
  });

  it('reports what ComfyUI cannot hold: latent-sized 0 sizes, clip skip, the refiner’s missing widgets', () => {
    const odd = sdxlGraph(
      { ...baseWidgets, width: 0, target_height: 0, clip_skip: 3 },
      { ...refinerWidgets, text_l: 'unused', crop_w: 4 },
    );
    const { problems } = exportComfyApi(odd, registry).report;
    expect(problems).toEqual([
      expect.stringMatching(/^TextEncodeSDXL base: clip_skip 3 is not written/),
      expect.stringMatching(/^TextEncodeSDXL base: width, target_height 0 means the latent's size/),
      expect.stringMatching(/^TextEncodeSDXL refiner: text_l, crop_w not written/),
    ]);
  });
});
