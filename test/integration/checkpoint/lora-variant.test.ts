// LoRAs applied through the build cache re-merge only the tensors they touch over the cached
// LoRA-free build: the networks equal a full merge (`diffgraph convert --lora`) exactly, the base
// weights are shared (hard links, not copies), and a strength change is one more small variant.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXTRA_TOKENS_INPUT } from '../../../main/checkpoint/build/text-encoder-extra-tokens.ts';
import { buildsStarted, cachedBuild, variantBuildsStarted } from '../../../main/checkpoint/build-cache.ts';
import { convertCheckpoint } from '../../../main/checkpoint/convert.ts';
import { LORA_DATA_FILE } from '../../../main/checkpoint/lora-variant.ts';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { SeededRandom } from '../../../main/onnx/random.ts';
import { setHashCacheFile } from '../../../main/runtime/model-hash.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';
import { writeKohyaLora } from '../../fixtures/checkpoints/tiny-lora.ts';
import { SLOW_TEST_MS } from '../cli/harness.ts';

let dir: string;
const MID_Q = 'lora_unet_mid_block_attentions_0_transformer_blocks_0_attn1_to_q';
/** Text encoder layer 0's q: a whole weight in CLIP-L, rows of OpenCLIP's packed in_proj. */
const TE_Q = 'lora_te_text_model_encoder_layers_0_self_attn_q_proj';

beforeAll(async () => {
  setHashCacheFile(null);
  dir = mkdtempSync(join(tmpdir(), 'dg-lora-variant-'));
  for (const name of ['tiny-sd1', 'tiny-sd2'])
    await writeSafetensors(join(dir, `${name}.safetensors`), TINY_CHECKPOINT_PARTS[name]());
  await writeKohyaLora(join(dir, 'sd1-mid.safetensors'), MID_Q, 64, 64, 1);
  await writeKohyaLora(join(dir, 'sd2-mid.safetensors'), MID_Q, 128, 128, 2);
  await writeKohyaLora(join(dir, 'te-q.safetensors'), TE_Q, 64, 64, 3);
});

async function run(path: string, feeds: Record<string, ort.Tensor>, output: string): Promise<number[]> {
  const session = await ort.InferenceSession.create(path);
  try {
    return Array.from((await session.run(feeds))[output].data as Float32Array);
  } finally {
    await session.release();
  }
}

/** U-Net, text encoder and extra-token text encoder outputs of a pipeline folder on fixed inputs. */
async function outputs(folder: string) {
  const rng = new SeededRandom(5);
  const ids = Int32Array.from({ length: 77 }, (_, i) => (i === 0 ? 49406 : i < 6 ? 320 + i : 49407));
  const context = new ort.Tensor('float32', rng.normals(77 * 64, 1), [1, 77, 64]);
  return {
    unet: await run(
      join(folder, 'unet', 'model.onnx'),
      {
        sample: new ort.Tensor('float32', rng.normals(4 * 8 * 8, 1), [1, 4, 8, 8]),
        timestep: new ort.Tensor('float32', Float32Array.of(500.5), [1]),
        encoder_hidden_states: context,
      },
      'out_sample',
    ),
    text: await run(
      join(folder, 'text_encoder', 'model.onnx'),
      { input_ids: new ort.Tensor('int32', ids, [1, 77]) },
      'last_hidden_state',
    ),
    extra: await run(
      join(folder, 'text_encoder', 'extra_tokens.onnx'),
      {
        input_ids: new ort.Tensor(
          'int32',
          ids.map((id, i) => (i === 3 ? -1 : id)),
          [1, 77],
        ),
        [EXTRA_TOKENS_INPUT]: new ort.Tensor('float32', rng.normals(64, 1), [1, 64]),
      },
      'last_hidden_state',
    ),
  };
}

const loraRequest = (name: string, strengthModel: number, strengthClip: number) => ({
  path: join(dir, name),
  strengthModel,
  strengthClip,
});

describe.each([
  { checkpoint: 'tiny-sd1', unetLora: 'sd1-mid.safetensors' },
  { checkpoint: 'tiny-sd2', unetLora: 'sd2-mid.safetensors' },
])('$checkpoint with a U-Net and a text-encoder LoRA', ({ checkpoint, unetLora }) => {
  const path = () => join(dir, `${checkpoint}.safetensors`);
  const request = (model: number, clip: number) =>
    ({
      checkpoint: path(),
      dtype: 'float32',
      prediction: 'auto',
      loras: [loraRequest(unetLora, model, 1), loraRequest('te-q.safetensors', 1, clip)],
    }) as const;
  const fullMerge = async (out: string, model: number, clip: number) => {
    const loras = request(model, clip).loras.map((l) => ({
      path: l.path,
      strength: l.strengthModel,
      strengthClip: l.strengthClip,
    }));
    await convertCheckpoint({ checkpoint: path(), out: join(dir, out), loras, dtype: 'float32' });
    return outputs(join(dir, out));
  };

  it(
    'equals the full merge, sharing the LoRA-free build’s weights; a strength change is one more variant',
    async () => {
      const cacheRoot = join(dir, `cache-${checkpoint}`);
      const [builds, variants] = [buildsStarted(), variantBuildsStarted()];
      const variant = await cachedBuild(cacheRoot, request(0.8, 0.5));
      expect([buildsStarted() - builds, variantBuildsStarted() - variants]).toEqual([2, 1]);
      const base = await cachedBuild(cacheRoot, { ...request(0.8, 0.5), loras: [] });
      expect(base.built).toBe(false);
      const data = (d: string, net: string, file = 'model.onnx_data') => statSync(join(d, net, file));
      expect(data(variant.dir, 'unet').ino).toBe(data(base.dir, 'unet').ino);
      expect(data(variant.dir, 'unet', LORA_DATA_FILE).size).toBeLessThan(data(base.dir, 'unet').size / 4);
      expect(await outputs(variant.dir)).toEqual(await fullMerge(`full-${checkpoint}`, 0.8, 0.5));

      const changed = await cachedBuild(cacheRoot, request(-1.5, 2));
      expect([buildsStarted() - builds, variantBuildsStarted() - variants]).toEqual([3, 2]);
      const again = await outputs(changed.dir);
      expect(again).toEqual(await fullMerge(`full2-${checkpoint}`, -1.5, 2));
      const unpatched = await outputs(base.dir);
      expect(again.unet).not.toEqual(unpatched.unet);
      expect(again.text).not.toEqual(unpatched.text);
    },
    SLOW_TEST_MS,
  );
});
