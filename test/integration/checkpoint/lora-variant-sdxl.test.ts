// SDXL LoRAs through the build cache: a U-Net LoRA and lora_te1_/lora_te2_ text-encoder LoRAs are
// re-merged over the cached LoRA-free build (only the touched tensors written, the rest hard-linked),
// every network equals a full `diffgraph convert --lora` merge, and a strength change is one more
// small variant, not a rebuild.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildsStarted, cachedBuild, variantBuildsStarted } from '../../../main/checkpoint/build-cache.ts';
import { convertCheckpoint } from '../../../main/checkpoint/convert.ts';
import { LORA_DATA_FILE } from '../../../main/checkpoint/lora-variant.ts';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { SeededRandom } from '../../../main/onnx/random.ts';
import { setHashCacheFile } from '../../../main/runtime/model-hash.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';
import { TINY_LORA_RANK } from '../../fixtures/checkpoints/tiny-lora.ts';
import { SLOW_TEST_MS } from '../cli/harness.ts';

const NETWORKS = ['unet', 'text_encoder', 'text_encoder_2'] as const;
let dir: string;

/** A kohya LoRA module (down [rank, cols], up [out, rank]) with seeded values. */
function loraModule(rng: SeededRandom, name: string, out: number, cols: number) {
  const tensor = (suffix: string, shape: number[]) => ({
    name: `${name}.${suffix}`,
    shape,
    dtype: 'F32' as const,
    values: rng.normals(shape[0] * shape[1], 1),
  });
  return [
    tensor('lora_down.weight', [TINY_LORA_RANK, cols]),
    tensor('lora_up.weight', [out, TINY_LORA_RANK]),
  ];
}

beforeAll(async () => {
  setHashCacheFile(null);
  dir = mkdtempSync(join(tmpdir(), 'dg-lora-variant-sdxl-'));
  await writeSafetensors(join(dir, 'tiny-sdxl.safetensors'), TINY_CHECKPOINT_PARTS['tiny-sdxl']());
  await writeSafetensors(join(dir, 'unet.safetensors'), TINY_CHECKPOINT_PARTS['tiny-sdxl-lora']());
  const rng = new SeededRandom(5);
  await writeSafetensors(join(dir, 'te.safetensors'), [
    ...loraModule(rng, 'lora_te1_text_model_encoder_layers_0_self_attn_q_proj', 64, 64),
    ...loraModule(rng, 'lora_te2_text_model_encoder_layers_1_mlp_fc1', 256, 64),
  ]);
});

/** Seeded inputs shaped from the session's own inputs (symbolic batch 1, other symbolic sizes 8). */
function feedsFor(session: ort.InferenceSession): Record<string, ort.Tensor> {
  const rng = new SeededRandom(11);
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of session.inputMetadata) {
    if (!input.isTensor) throw new Error(`${input.name} is not a tensor`);
    const shape = input.shape.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : 8));
    const size = shape.reduce((a, b) => a * b, 1);
    if (input.type === 'int32') {
      feeds[input.name] = new ort.Tensor(
        'int32',
        Int32Array.from({ length: size }, (_, i) => (i * 37) % 90),
        shape,
      );
    } else if (input.name === 'timestep') {
      feeds[input.name] = new ort.Tensor('float32', Float32Array.of(500.5), shape);
    } else {
      feeds[input.name] = new ort.Tensor('float32', rng.normals(size, 1), shape);
    }
  }
  return feeds;
}

/** Every output of each network's model.onnx in a pipeline folder, on the same seeded inputs. */
async function outputs(folder: string): Promise<Record<string, number[][]>> {
  const all: Record<string, number[][]> = {};
  for (const network of NETWORKS) {
    const session = await ort.InferenceSession.create(join(folder, network, 'model.onnx'));
    try {
      const out = await session.run(feedsFor(session));
      all[network] = session.outputNames.map((name) => Array.from(out[name].data as Float32Array));
    } finally {
      await session.release();
    }
  }
  return all;
}

describe('SDXL LoRA variants', () => {
  const checkpoint = () => join(dir, 'tiny-sdxl.safetensors');
  const loras = (model: number, clip: number) => [
    { path: join(dir, 'unet.safetensors'), strengthModel: model, strengthClip: 1 },
    { path: join(dir, 'te.safetensors'), strengthModel: 1, strengthClip: clip },
  ];
  const request = (model: number, clip: number) =>
    ({ checkpoint: checkpoint(), dtype: 'float32', prediction: 'auto', loras: loras(model, clip) }) as const;
  const fullMerge = async (out: string, model: number, clip: number) => {
    await convertCheckpoint({
      checkpoint: checkpoint(),
      out: join(dir, out),
      loras: loras(model, clip).map((l) => ({
        path: l.path,
        strength: l.strengthModel,
        strengthClip: l.strengthClip,
      })),
      dtype: 'float32',
    });
    return outputs(join(dir, out));
  };

  it(
    'equal the full merge in all three networks, share the base weights, and a new strength is one more variant',
    async () => {
      const cacheRoot = join(dir, 'cache');
      const [builds, variants] = [buildsStarted(), variantBuildsStarted()];
      const variant = await cachedBuild(cacheRoot, request(0.8, 0.5));
      expect([buildsStarted() - builds, variantBuildsStarted() - variants]).toEqual([2, 1]);
      const base = await cachedBuild(cacheRoot, { ...request(0.8, 0.5), loras: [] });
      expect(base.built).toBe(false);
      const stat = (d: string, net: string, file: string) => statSync(join(d, net, file));
      for (const network of NETWORKS) {
        // the base weights are linked, only the touched tensors written anew
        expect(stat(variant.dir, network, 'model.onnx_data').ino).toBe(
          stat(base.dir, network, 'model.onnx_data').ino,
        );
        expect(stat(variant.dir, network, LORA_DATA_FILE).size).toBeGreaterThan(0);
      }
      for (const network of ['text_encoder', 'text_encoder_2']) {
        // the extra-token twin is rebuilt over the merged weights, not linked to the base's
        const twin = (d: string) => stat(d, network, 'extra_tokens.onnx').ino;
        expect(twin(variant.dir)).not.toBe(twin(base.dir));
      }
      expect(await outputs(variant.dir)).toEqual(await fullMerge('full', 0.8, 0.5));

      const changed = await cachedBuild(cacheRoot, request(-1.5, 2));
      expect([buildsStarted() - builds, variantBuildsStarted() - variants]).toEqual([3, 2]);
      const again = await outputs(changed.dir);
      expect(again).toEqual(await fullMerge('full2', -1.5, 2));
      const unpatched = await outputs(base.dir);
      for (const network of NETWORKS) expect(again[network]).not.toEqual(unpatched[network]);
    },
    SLOW_TEST_MS,
  );
});
