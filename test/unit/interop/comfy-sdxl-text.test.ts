// ComfyUI's SDXL text encoders (CLIPTextEncodeSDXL, CLIPTextEncodeSDXLRefiner) import as TextEncodeSDXL:
// API-format inputs by name, and UI-format widgets_values in INPUT_TYPES order.
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../../main/engine/registry.ts';
import { importApiPrompt } from '../../../main/interop/comfy/api-format.ts';
import { importUiWorkflow } from '../../../main/interop/comfy/ui-format.ts';
import { structure } from './helpers.ts';

const base = {
  width: 1024,
  height: 768,
  crop_w: 8,
  crop_h: 16,
  target_width: 896,
  target_height: 640,
  text_g: 'a lighthouse',
  text_l: 'oil painting',
};

describe('ComfyUI SDXL text encoders', () => {
  it('map onto TextEncodeSDXL with the crop as left (crop_w) and top (crop_h)', () => {
    const { doc, report } = importApiPrompt({
      '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd_xl_base_1.0.safetensors' } },
      '2': { class_type: 'CLIPTextEncodeSDXL', inputs: { ...base, clip: ['1', 1] } },
      '3': {
        class_type: 'CLIPTextEncodeSDXLRefiner',
        inputs: { ascore: 2.5, width: 1024, height: 1024, text: 'blurry', clip: ['1', 1] },
      },
    });
    expect(report.unmapped).toEqual([]);
    const { nodes, edges } = structure(doc);
    expect(nodes['2']).toEqual({ type: 'TextEncodeSDXL', widgets: base });
    expect(nodes['3']).toEqual({
      type: 'TextEncodeSDXL',
      widgets: { text_g: 'blurry', aesthetic_score: 2.5, width: 1024, height: 1024 },
    });
    expect(edges).toContain(
      JSON.stringify([
        ['1', 'clip'],
        ['2', 'clip'],
      ]),
    );
    expect(edges).toContain(
      JSON.stringify([
        ['1', 'clip'],
        ['3', 'clip'],
      ]),
    );
    // Every widget the mapping writes exists on the node.
    const spec = defaultRegistry().get('TextEncodeSDXL');
    const names = new Set(spec?.widgets.map((w) => w.name));
    for (const id of ['2', '3'])
      for (const name of Object.keys((nodes[id] as { widgets: object }).widgets))
        expect(names.has(name)).toBe(true);
  });

  it('decode the editor format’s widgets_values in INPUT_TYPES order', () => {
    const { doc } = importUiWorkflow({
      last_node_id: 2,
      last_link_id: 0,
      nodes: [
        {
          id: 1,
          type: 'CLIPTextEncodeSDXL',
          pos: [0, 0],
          widgets_values: Object.values(base),
          inputs: [],
          outputs: [],
        },
        {
          id: 2,
          type: 'CLIPTextEncodeSDXLRefiner',
          pos: [0, 300],
          widgets_values: [6, 1024, 1024, 'a lighthouse'],
          inputs: [],
          outputs: [],
        },
      ],
      links: [],
      version: 0.4,
    });
    const { nodes } = structure(doc);
    expect(nodes['1']).toEqual({ type: 'TextEncodeSDXL', widgets: base });
    expect((nodes['2'] as { widgets: object }).widgets).toEqual({
      text_g: 'a lighthouse',
      aesthetic_score: 6,
      width: 1024,
      height: 1024,
    });
  });
});
