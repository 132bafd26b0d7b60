// The build cache: one build per key however many loads ask at once, nothing half-written left
// in the cache folder, and a key that changes with every input that changes the networks.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildKey, buildsStarted, cachedBuild } from '../../../main/checkpoint/build-cache.ts';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { setHashCacheFile } from '../../../main/runtime/model-hash.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';
import { SLOW_TEST_MS } from '../cli/harness.ts';

let dir: string;
let checkpoint: string;
let lora: string;

beforeAll(async () => {
  setHashCacheFile(null);
  dir = mkdtempSync(join(tmpdir(), 'dg-build-cache-'));
  checkpoint = join(dir, 'tiny-sd1.safetensors');
  await writeSafetensors(checkpoint, TINY_CHECKPOINT_PARTS['tiny-sd1']());
  lora = join(dir, 'lora.safetensors');
  const module = 'lora_te_text_model_encoder_layers_0_self_attn_q_proj';
  await writeSafetensors(lora, [
    {
      name: `${module}.lora_down.weight`,
      shape: [1, 64],
      dtype: 'F32',
      values: new Float32Array(64).fill(0.1),
    },
    {
      name: `${module}.lora_up.weight`,
      shape: [64, 1],
      dtype: 'F32',
      values: new Float32Array(64).fill(0.1),
    },
  ]);
});

describe('build cache', () => {
  it(
    'builds a key once for concurrent loads and leaves only the finished folder',
    async () => {
      const cacheRoot = join(dir, 'cache');
      const request = { checkpoint, dtype: 'float32', prediction: 'auto' } as const;
      const before = buildsStarted();
      const [a, b] = await Promise.all([cachedBuild(cacheRoot, request), cachedBuild(cacheRoot, request)]);
      expect(buildsStarted()).toBe(before + 1);
      expect(a.dir).toBe(b.dir);
      expect([a.built, b.built].sort()).toEqual([false, true]);
      expect(readdirSync(cacheRoot)).toEqual([a.key]);
      expect(readdirSync(a.dir).sort()).toContain('model_index.json');
      expect((await cachedBuild(cacheRoot, request)).built).toBe(false);
      expect(buildsStarted()).toBe(before + 1);
    },
    SLOW_TEST_MS,
  );

  it(
    'rebuilds a cached folder an older version wrote without the extra-token text encoder',
    async () => {
      const cacheRoot = join(dir, 'cache-outdated');
      const request = { checkpoint, dtype: 'float32', prediction: 'auto' } as const;
      const first = await cachedBuild(cacheRoot, request);
      const twin = join(first.dir, 'text_encoder', 'extra_tokens.onnx');
      rmSync(twin); // what a build from before the embedding support looks like
      const before = buildsStarted();
      const again = await cachedBuild(cacheRoot, request);
      expect([again.built, again.dir, buildsStarted()]).toEqual([true, first.dir, before + 1]);
      expect(statSync(twin).size).toBeGreaterThan(0);
      // the outdated folder was swapped out whole: nothing else is left in the cache
      expect(readdirSync(cacheRoot)).toEqual([first.key]);
      expect(existsSync(join(first.dir, 'model_index.json'))).toBe(true);
      expect((await cachedBuild(cacheRoot, request)).built).toBe(false);
    },
    SLOW_TEST_MS,
  );

  it('keys by content, options and LoRA strengths, not by path', async () => {
    const base = { checkpoint, dtype: 'float32', prediction: 'auto' } as const;
    const key = await buildKey(base);
    const renamed = join(dir, 'renamed.safetensors');
    await copyFile(checkpoint, renamed);
    expect(await buildKey({ ...base, checkpoint: renamed })).toBe(key);
    const withLora = (strengthClip: number) => ({
      ...base,
      loras: [{ path: lora, strengthModel: 1, strengthClip }],
    });
    const others = [
      await buildKey({ ...base, dtype: 'float16' }),
      await buildKey({ ...base, prediction: 'v_prediction' }),
      await buildKey(withLora(1)),
      await buildKey(withLora(0.5)),
    ];
    expect(new Set([key, ...others]).size).toBe(5);
  });
});
