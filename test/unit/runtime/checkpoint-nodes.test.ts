// LoadCheckpoint / LoadLoRA over a fake checkpoint service: the recipes they ask to have built
// (LoRA chains stack in order, diverging MODEL/CLIP chains build separately), strength 0 on both
// is a no-op, and a MODEL not from a checkpoint is refused.
import { describe, expect, it } from 'vitest';
import type { CheckpointLoaders, CheckpointRecipe } from '../../../nodes/api.ts';
import { checkpointNodes } from '../../../nodes/checkpoints.ts';
import { fakeContext, fakeServices } from '../fake-services.ts';

function fakeCheckpoints() {
  const loads: CheckpointRecipe[] = [];
  const checkpoints: CheckpointLoaders = {
    load: async (recipe) => {
      loads.push(recipe);
      return {
        model: { kind: 'model', name: `model#${loads.length}` } as never,
        clip: { kind: 'clip', name: `clip#${loads.length}` } as never,
        vae: { kind: 'vae', name: 'vae' } as never,
      };
    },
    loadVae: async () => {
      throw new Error('not used');
    },
  };
  return { loads, ctx: fakeContext(fakeServices({ checkpoints })).ctx };
}

const node = (type: string) =>
  checkpointNodes.find((n) => n.type === type) as (typeof checkpointNodes)[number];
const CHECKPOINT = { checkpoint: 'sd15.safetensors', prediction: 'auto', device: 'cpu', dtype: 'auto' };
type Loaded = { model: { name: string }; clip: { name: string } };

describe('checkpoint nodes', () => {
  it('stack LoRAs in chain order, one build per step when MODEL and CLIP share a chain', async () => {
    const { loads, ctx } = fakeCheckpoints();
    const base = (await node('LoadCheckpoint').run(ctx, CHECKPOINT)) as Loaded;
    const one = (await node('LoadLoRA').run(ctx, {
      ...base,
      lora: 'a.safetensors',
      strength_model: 0.5,
      strength_clip: 1,
    })) as Loaded;
    const two = (await node('LoadLoRA').run(ctx, {
      ...one,
      lora: 'b.safetensors',
      strength_model: 1,
      strength_clip: 0,
    })) as Loaded;
    expect(loads).toHaveLength(3);
    expect(loads[2]).toEqual({
      checkpoint: 'sd15.safetensors',
      prediction: 'auto',
      device: 'cpu',
      dtype: 'auto',
      loras: [
        { lora: 'a.safetensors', strengthModel: 0.5, strengthClip: 1 },
        { lora: 'b.safetensors', strengthModel: 1, strengthClip: 0 },
      ],
    });
    expect([two.model.name, two.clip.name]).toEqual(['model#3', 'clip#3']);
  });

  it('builds MODEL and CLIP separately when their chains differ', async () => {
    const { loads, ctx } = fakeCheckpoints();
    const base = (await node('LoadCheckpoint').run(ctx, CHECKPOINT)) as Loaded;
    const one = (await node('LoadLoRA').run(ctx, {
      ...base,
      lora: 'a.safetensors',
      strength_model: 1,
      strength_clip: 1,
    })) as Loaded;
    const mixed = (await node('LoadLoRA').run(ctx, {
      model: one.model,
      clip: base.clip,
      lora: 'b.safetensors',
      strength_model: 1,
      strength_clip: 1,
    })) as Loaded;
    expect(loads.map((r) => r.loras.map((l) => l.lora))).toEqual([
      [],
      ['a.safetensors'],
      ['a.safetensors', 'b.safetensors'],
      ['b.safetensors'],
    ]);
    expect([mixed.model.name, mixed.clip.name]).toEqual(['model#3', 'clip#4']);
  });

  it('passes MODEL and CLIP through when both strengths are 0', async () => {
    const { loads, ctx } = fakeCheckpoints();
    const base = (await node('LoadCheckpoint').run(ctx, CHECKPOINT)) as Loaded;
    const out = await node('LoadLoRA').run(ctx, {
      ...base,
      lora: 'a.safetensors',
      strength_model: 0,
      strength_clip: 0,
    });
    expect(out).toEqual({ model: base.model, clip: base.clip });
    expect(loads).toHaveLength(1);
  });

  it('refuses a MODEL that does not come from a checkpoint, on its input', async () => {
    const { ctx } = fakeCheckpoints();
    const model = { kind: 'model', name: 'onnx pipeline' };
    await expect(
      node('LoadLoRA').run(ctx, {
        model,
        clip: model,
        lora: 'a.safetensors',
        strength_model: 1,
        strength_clip: 1,
      }),
    ).rejects.toMatchObject({ input: 'model', message: expect.stringContaining('Load Checkpoint') });
  });
});
