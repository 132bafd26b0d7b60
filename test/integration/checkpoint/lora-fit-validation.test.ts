// A LoRA that does not fit its checkpoint is a validation problem on its LoadLoRA node, found from the
// file headers before anything runs or builds (the engine's validation with models, as the editor and
// `diffgraph validate` call it).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildsStarted } from '../../../main/checkpoint/build-cache.ts';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { validateWithModels } from '../../../main/engine/model-shape-checks.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';
import { writeKohyaLora } from '../../fixtures/checkpoints/tiny-lora.ts';
import { type TestGraph, tempFolders, testEngine } from '../runtime/graphs.ts';
import { checkpointGraph } from './checkpoint-graph.ts';

let models: string;
const MID_Q = 'lora_unet_mid_block_attentions_0_transformer_blocks_0_attn1_to_q';

beforeAll(async () => {
  models = mkdtempSync(join(tmpdir(), 'dg-lora-fit-'));
  mkdirSync(join(models, 'checkpoints'));
  mkdirSync(join(models, 'loras'));
  await writeSafetensors(
    join(models, 'checkpoints', 'tiny-sd1.safetensors'),
    TINY_CHECKPOINT_PARTS['tiny-sd1'](),
  );
  // The middle block's self-attention q: 64 wide in tiny SD 1.x, 128 in tiny SD 2.x.
  await writeKohyaLora(join(models, 'loras', 'sd1-mid.safetensors'), MID_Q, 64, 64, 1);
  await writeKohyaLora(join(models, 'loras', 'sd2-mid.safetensors'), MID_Q, 128, 128, 2);
  await writeKohyaLora(join(models, 'loras', 'other.safetensors'), 'lora_unet_no_such_block_to_q', 64, 64, 3);
  await writeSafetensors(join(models, 'loras', 'a-vae.safetensors'), TINY_CHECKPOINT_PARTS['tiny-vae']());
});

const chain = (...loras: string[]) =>
  checkpointGraph(
    'tiny-sd1.safetensors',
    loras.map((lora) => ({ lora, model: 1, clip: 1 })),
  );

async function problems(graph: TestGraph) {
  const all = await validateWithModels(testEngine(tempFolders(models)), graph);
  // The chain is otherwise a valid graph: only the LoRA checks can find something.
  expect(all.filter((p) => p.field !== 'lora')).toEqual([]);
  return all.filter((p) => p.field === 'lora');
}

describe('LoRA fit at validation', () => {
  it('accepts a LoRA that fits, and builds nothing to decide', async () => {
    const before = buildsStarted();
    expect(await problems(chain('sd1-mid.safetensors'))).toEqual([]);
    expect(buildsStarted()).toBe(before);
  });

  it('names the node, the LoRA, the checkpoint and the misfit shape for a LoRA of another architecture', async () => {
    const found = await problems(chain('sd1-mid.safetensors', 'sd2-mid.safetensors'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ nodeId: 'lora1', field: 'lora', code: 'bad-widget-value' });
    expect(found[0].message).toMatch(/sd2-mid\.safetensors.*does not fit checkpoint "tiny-sd1\.safetensors"/);
    expect(found[0].message).toContain('128');
  });

  it('reports a LoRA none of whose modules match, and a file that is not a LoRA', async () => {
    const found = await problems(chain('other.safetensors', 'a-vae.safetensors'));
    expect(found.map((p) => p.nodeId)).toEqual(['lora0', 'lora1']);
    expect(found[0].message).toMatch(/none of its 1 LoRA modules match/);
    expect(found[1].message).toMatch(/not a LoRA \(detected: VAE/);
  });

  it('leaves a missing LoRA file to the run (which names where it looked)', async () => {
    expect(await problems(chain('missing.safetensors'))).toEqual([]);
  });
});
