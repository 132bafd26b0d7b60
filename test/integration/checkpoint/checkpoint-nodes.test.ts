// LoadCheckpoint / LoadLoRA end to end on the generated tiny checkpoints: the same image as
// `diffgraph convert` + LoadPipeline for the same seed, a second load served by the build cache,
// LoRAs that change the image and stack exactly as convert merges them, and a LoRA for another
// architecture refused on the node that names it.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildsStarted } from '../../../main/checkpoint/build-cache.ts';
import { convertCheckpoint, type LoraRequest } from '../../../main/checkpoint/convert.ts';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { setHashCacheFile } from '../../../main/runtime/model-hash.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';
import { writeKohyaLora } from '../../fixtures/checkpoints/tiny-lora.ts';
import { SLOW_TEST_MS } from '../cli/harness.ts';
import { runGraph, type TestGraph, tempFolders, testEngine, txt2imgGraph } from '../runtime/graphs.ts';
import { checkpointGraph } from './checkpoint-graph.ts';

let models: string;
/** A kohya LoRA in the models folder's loras/ (see tiny-lora.ts). */
const writeLora = (file: string, module: string, out: number, cols: number, seed: number) =>
  writeKohyaLora(join(models, 'loras', file), module, out, cols, seed);

beforeAll(async () => {
  setHashCacheFile(null);
  models = mkdtempSync(join(tmpdir(), 'dg-ckpt-nodes-'));
  mkdirSync(join(models, 'checkpoints'));
  mkdirSync(join(models, 'loras'));
  for (const name of ['tiny-sd1', 'tiny-sd2']) {
    await writeSafetensors(join(models, 'checkpoints', `${name}.safetensors`), TINY_CHECKPOINT_PARTS[name]());
  }
  // U-Net self-attention q of the middle block (64 wide in tiny SD 1.x) and text encoder layer 0's q.
  await writeLora(
    'unet-mid.safetensors',
    'lora_unet_mid_block_attentions_0_transformer_blocks_0_attn1_to_q',
    64,
    64,
    1,
  );
  await writeLora('te-q.safetensors', 'lora_te_text_model_encoder_layers_0_self_attn_q_proj', 64, 64, 2);
  // The same module 128 wide: tiny SD 2.x's middle block, not SD 1.x's.
  await writeLora(
    'sd2-mid.safetensors',
    'lora_unet_mid_block_attentions_0_transformer_blocks_0_attn1_to_q',
    128,
    128,
    3,
  );
});

async function pixels(graph: TestGraph) {
  const { result, events } = await runGraph(testEngine(tempFolders(models)), graph);
  expect(result.error).toBeUndefined();
  const progress = events.filter((e) => e.type === 'node-progress' && e.nodeId === 'load').length;
  return { data: await sharp(result.outputs[0].path).raw().toBuffer(), progress };
}

/** The reference route: `diffgraph convert` into the models folder, then LoadPipeline. */
async function viaConvert(checkpoint: string, out: string, loras: LoraRequest[] = []) {
  await convertCheckpoint({
    checkpoint: join(models, 'checkpoints', checkpoint),
    out: join(models, out),
    loras,
    dtype: 'float32',
  });
  const graph = txt2imgGraph({ model: out, steps: 2, size: 64, prefix: out, seed: 7 });
  return (await pixels(graph)).data;
}

describe('LoadCheckpoint', () => {
  it(
    'gives the image convert + LoadPipeline gives (SD 1.x), and a second load builds nothing',
    async () => {
      const before = buildsStarted();
      const first = await pixels(checkpointGraph('tiny-sd1.safetensors'));
      expect(buildsStarted()).toBe(before + 1);
      expect(first.progress).toBeGreaterThan(0);
      expect(first.data.equals(await viaConvert('tiny-sd1.safetensors', 'sd1-converted'))).toBe(true);
      // A fresh engine (no node output cache): the build cache serves the folder.
      const second = await pixels(checkpointGraph('tiny-sd1.safetensors', [], 'again'));
      expect(buildsStarted()).toBe(before + 1);
      expect(second.progress).toBe(0);
      expect(second.data.equals(first.data)).toBe(true);
    },
    SLOW_TEST_MS,
  );

  it(
    'gives the image convert + LoadPipeline gives (SD 2.x)',
    async () => {
      const image = await pixels(checkpointGraph('checkpoints/tiny-sd2.safetensors'));
      expect(image.data.equals(await viaConvert('tiny-sd2.safetensors', 'sd2-converted'))).toBe(true);
    },
    SLOW_TEST_MS,
  );
});

describe('LoadLoRA', () => {
  it(
    'changes the image, and two LoRAs stack as convert merges them',
    async () => {
      const base = await pixels(checkpointGraph('tiny-sd1.safetensors'));
      const one = await pixels(
        checkpointGraph('tiny-sd1.safetensors', [{ lora: 'unet-mid.safetensors', model: 0.8, clip: 1 }]),
      );
      expect(one.data.equals(base.data)).toBe(false);
      const chain = [
        { lora: 'unet-mid.safetensors', model: 0.8, clip: 1 },
        { lora: 'te-q.safetensors', model: 1, clip: 0.5 },
      ];
      const two = await pixels(checkpointGraph('tiny-sd1.safetensors', chain));
      expect(two.data.equals(one.data)).toBe(false);
      const expected = await viaConvert('tiny-sd1.safetensors', 'sd1-two-loras', [
        { path: join(models, 'loras', 'unet-mid.safetensors'), strength: 0.8, strengthClip: 1 },
        { path: join(models, 'loras', 'te-q.safetensors'), strength: 1, strengthClip: 0.5 },
      ]);
      expect(two.data.equals(expected)).toBe(true);
    },
    SLOW_TEST_MS,
  );

  it(
    'refuses a LoRA for another architecture, naming it on its node',
    async () => {
      const graph = checkpointGraph('tiny-sd1.safetensors', [
        { lora: 'sd2-mid.safetensors', model: 1, clip: 1 },
      ]);
      const { result, events } = await runGraph(testEngine(tempFolders(models)), graph);
      expect(result.error).toBeDefined();
      const error = events.find((e) => e.type === 'node-error');
      expect(error).toMatchObject({ nodeId: 'lora0' });
      expect((error as { message: string }).message).toContain('sd2-mid.safetensors');
      expect((error as { message: string }).message).toContain('does not fit');
    },
    SLOW_TEST_MS,
  );
});
