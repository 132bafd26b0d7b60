// CheckpointLoaderSimple / LoraLoader / LoraLoaderModelOnly against the checkpoint and LoRA loader nodes
// (LoadCheckpoint: widget `checkpoint` → model, clip, vae; LoadLoRA: inputs model, clip, widgets
// lora, strength_model, strength_clip → model, clip). Structural: the nodes land on another branch.
import { describe, expect, it } from 'vitest';
import { importApiPrompt } from '../../../main/interop/comfy/api-format.ts';
import { structure } from './helpers.ts';

const prompt = {
  '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd15.safetensors' } },
  '2': {
    class_type: 'LoraLoader',
    inputs: {
      lora_name: 'a.safetensors',
      strength_model: 0.7,
      strength_clip: 0.4,
      model: ['1', 0],
      clip: ['1', 1],
    },
  },
  '3': {
    class_type: 'LoraLoaderModelOnly',
    inputs: { lora_name: 'b.safetensors', strength_model: 0.5, model: ['2', 0] },
  },
  '4': { class_type: 'CLIPTextEncode', inputs: { text: 'x', clip: ['2', 1] } },
  '5': { class_type: 'VAEDecode', inputs: { samples: ['6', 0], vae: ['1', 2] } },
  '6': {
    class_type: 'KSampler',
    inputs: {
      seed: 1,
      steps: 2,
      cfg: 7,
      sampler_name: 'euler',
      scheduler: 'normal',
      denoise: 1,
      model: ['3', 0],
      positive: ['4', 0],
      negative: ['4', 0],
      latent_image: ['7', 0],
    },
  },
  '7': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
};

describe('checkpoint and LoRA loaders map onto LoadCheckpoint and LoadLoRA', () => {
  const { doc, report } = importApiPrompt(prompt);
  const { nodes, edges } = structure(doc);
  const wire = (from: [string, string], to: [string, string]) => JSON.stringify([from, to]);

  it('uses the widget names of the nodes', () => {
    expect(report.unmapped).toEqual([]);
    expect(nodes['1']).toEqual({ type: 'LoadCheckpoint', widgets: { checkpoint: 'sd15.safetensors' } });
    expect(nodes['2']).toEqual({
      type: 'LoadLoRA',
      widgets: { lora: 'a.safetensors', strength_model: 0.7, strength_clip: 0.4 },
    });
    expect(nodes['3']).toEqual({ type: 'LoadLoRA', widgets: { lora: 'b.safetensors', strength_model: 0.5 } });
  });

  it('wires LoadCheckpoint outputs model/clip/vae and LoadLoRA model/clip in and out', () => {
    expect(edges).toContain(wire(['1', 'model'], ['2', 'model']));
    expect(edges).toContain(wire(['1', 'clip'], ['2', 'clip']));
    expect(edges).toContain(wire(['1', 'vae'], ['5', 'vae']));
    expect(edges).toContain(wire(['2', 'model'], ['3', 'model']));
    expect(edges).toContain(wire(['2', 'clip'], ['4', 'clip']));
    // the model-only loader has no clip wire at all
    expect(edges.filter((e) => e.includes('"3","clip"'))).toEqual([]);
  });
});
