// Warm LoadCheckpoint on the CPU opens the built networks from their saved optimised copies: the
// first load saves them beside the build, the second opens them (same U-Net output as the first
// load's freshly optimised session), and a saved copy that is truncated, edited, stale or refused
// by ONNX Runtime is rebuilt instead of trusted. Models outside Diffgraph's build cache get none.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { copyFile, truncate, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { createRuntimeServices } from '../../../main/engine/runtime-services.ts';
import { setHashCacheFile } from '../../../main/runtime/model-hash.ts';
import {
  createCpuSessionWithSavedOptimisation,
  OPTIMISED_FOLDER,
  optimisedKey,
  optimisedModelPath,
} from '../../../main/runtime/optimised-model-cache.ts';
import { type LoadedSession, sessionPool } from '../../../main/runtime/session-pool.ts';
import { loadCheckpoint } from '../../../main/services/checkpoint-loader.ts';
import type { CheckpointRecipe } from '../../../nodes/api.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';
import { SLOW_TEST_MS } from '../cli/harness.ts';

let root: string;
const recipe: CheckpointRecipe = {
  checkpoint: 'tiny-sd1.safetensors',
  prediction: 'auto',
  dtype: 'float32',
  device: 'cpu',
  loras: [],
};

const optIn = process.env.DIFFGRAPH_SAVE_OPTIMISED;
afterAll(() => {
  if (optIn === undefined) delete process.env.DIFFGRAPH_SAVE_OPTIMISED;
  else process.env.DIFFGRAPH_SAVE_OPTIMISED = optIn;
});

beforeAll(async () => {
  // Saved copies are opt-in.
  process.env.DIFFGRAPH_SAVE_OPTIMISED = '1';
  setHashCacheFile(null);
  root = mkdtempSync(join(tmpdir(), 'dg-saved-opt-'));
  mkdirSync(join(root, 'models', 'checkpoints'), { recursive: true });
  await writeSafetensors(
    join(root, 'models', 'checkpoints', 'tiny-sd1.safetensors'),
    TINY_CHECKPOINT_PARTS['tiny-sd1'](),
  );
});

/** One LoadCheckpoint in a fresh runtime (nothing shared but the files); its loaded sessions. */
async function load(): Promise<LoadedSession[]> {
  const paths = { models: join(root, 'models'), input: join(root, 'in'), output: join(root, 'out') };
  const runtime = createRuntimeServices({ paths, device: 'cpu' });
  await loadCheckpoint({ runtime, warn() {} }, recipe);
  const loaded = sessionPool(runtime).settled();
  await sessionPool(runtime).unloadAll();
  return loaded;
}

/** Deterministic U-Net inputs sized from the session's own input metadata (batch 1, 8×8 latent). */
function unetFeeds(session: ort.InferenceSession): Record<string, ort.Tensor> {
  const dims = (name: string) =>
    (session.inputMetadata.find((m) => m.name === name) as { shape: readonly (number | string)[] }).shape;
  const channels = dims('sample')[1] as number;
  const [tokens, width] = dims('encoder_hidden_states').slice(1) as number[];
  const tensor = (shape: number[], f: (i: number) => number) =>
    new ort.Tensor(
      'float32',
      Float32Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => f(i)),
      shape,
    );
  return {
    sample: tensor([1, channels, 8, 8], (i) => Math.sin(0.37 * i)),
    timestep: tensor([1], () => 437.5),
    encoder_hidden_states: tensor([1, typeof tokens === 'number' ? tokens : 77, width], (i) =>
      Math.cos(0.11 * i),
    ),
  };
}

async function unetOutput(session: ort.InferenceSession): Promise<Float32Array> {
  const out = await session.run(unetFeeds(session));
  return out[session.outputNames[0]].data as Float32Array;
}

/** The U-Net output of a plain 'all' session on the built model (no saved copy involved). */
async function referenceOutput(unetPath: string): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(unetPath, {
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
  try {
    return await unetOutput(session);
  } finally {
    await session.release();
  }
}

function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(1, ...expected.map(Math.abs));
  const worst = Math.max(...actual.map((v, i) => Math.abs(v - expected[i])));
  expect(worst).toBeLessThanOrEqual(1e-5 * scale);
}

/** Open through the saved-copy path, check the source and the U-Net output, release. */
async function openAndCheck(unetPath: string, source: string, expected: Float32Array): Promise<void> {
  const opened = await createCpuSessionWithSavedOptimisation(unetPath, {
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
  try {
    expect(opened.source).toBe(source);
    expectClose(await unetOutput(opened.session), expected);
  } finally {
    await opened.session.release();
  }
}

describe('saved optimised models', () => {
  let unetPath: string;
  let expected: Float32Array;

  it(
    'the first load saves the optimised networks and the second opens them, with the same U-Net output',
    async () => {
      const first = await load();
      const unet = first.find((s) => s.slot === 'unet') as LoadedSession;
      unetPath = unet.path;
      expect(first.map((s) => s.optimised)).toEqual(first.map(() => 'built'));
      const saved = optimisedModelPath(unetPath, await optimisedKey(unetPath));
      expect(existsSync(saved)).toBe(true);
      expect(existsSync(join(dirname(saved), 'manifest.json'))).toBe(true);

      const second = await load();
      expect(second.map((s) => s.optimised)).toEqual(second.map(() => 'saved'));
      expected = await referenceOutput(unetPath);
      await openAndCheck(unetPath, 'saved', expected);
    },
    SLOW_TEST_MS,
  );

  it('rebuilds a saved copy whose weights file was truncated', async () => {
    const saved = optimisedModelPath(unetPath, await optimisedKey(unetPath));
    const data = join(dirname(saved), 'model.onnx_data');
    expect(existsSync(data)).toBe(true);
    await truncate(data, 100);
    await openAndCheck(unetPath, 'built', expected);
    await openAndCheck(unetPath, 'saved', expected);
  });

  it('rebuilds a saved graph edited in place (same size) and one that ONNX Runtime refuses', async () => {
    const saved = optimisedModelPath(unetPath, await optimisedKey(unetPath));
    const graph = readFileSync(saved);
    graph.fill(0x55, 0, 64);
    writeFileSync(saved, graph);
    await openAndCheck(unetPath, 'built', expected);

    // Garbage the manifest vouches for (sizes and hash rewritten): ORT refuses it; rebuilt, no error.
    const garbage = Buffer.alloc(graph.length, 0x55);
    writeFileSync(saved, garbage);
    const manifestPath = join(dirname(saved), 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.graphSha256 = createHash('sha256').update(garbage).digest('hex');
    manifest.sizes['model.onnx'] = garbage.length;
    writeFileSync(manifestPath, JSON.stringify(manifest));
    await openAndCheck(unetPath, 'built', expected);
    await openAndCheck(unetPath, 'saved', expected);
  });

  it('ignores and removes a copy saved under another key (another ORT version or source)', async () => {
    const key = await optimisedKey(unetPath);
    const folder = dirname(dirname(optimisedModelPath(unetPath, key)));
    expect(folder).toBe(join(dirname(unetPath), OPTIMISED_FOLDER, 'model.onnx'));
    const stale = join(folder, 'stale-key');
    mkdirSync(stale);
    writeFileSync(join(stale, 'manifest.json'), JSON.stringify({ format: 1, key: 'stale-key', sizes: {} }));
    // The source changed (a rebuilt file has a new mtime): a new key, so the old copy is not used.
    await utimes(unetPath, new Date(), new Date(Date.now() + 5000));
    expect(await optimisedKey(unetPath)).not.toBe(key);
    await openAndCheck(unetPath, 'built', expected);
    expect(readdirSync(folder)).toEqual([await optimisedKey(unetPath)]);
  });

  it('saves nothing beside models outside a Diffgraph build cache', async () => {
    const runtime = createRuntimeServices({
      paths: { models: join(root, 'models'), input: join(root, 'in'), output: join(root, 'out') },
      device: 'cpu',
    });
    const pool = sessionPool(runtime);
    const outside = join(root, 'outside');
    mkdirSync(outside);
    for (const file of readdirSync(dirname(unetPath)).filter((f) => f.startsWith('model.onnx')))
      await copyFile(join(dirname(unetPath), file), join(outside, file));
    const request = { name: 'outside', slot: 'unet', device: 'cpu', defaultDevice: 'cpu' } as const;
    const loaded = await pool.acquire({ ...request, path: join(outside, 'model.onnx') }, () => {});
    expect(loaded.optimised).toBeUndefined();
    expect(existsSync(join(outside, OPTIMISED_FOLDER))).toBe(false);
    await pool.unloadAll();
  });

  it('is off unless opted in: without DIFFGRAPH_SAVE_OPTIMISED=1 no load uses or saves a copy', async () => {
    delete process.env.DIFFGRAPH_SAVE_OPTIMISED;
    try {
      const loaded = await load();
      expect(loaded.map((s) => s.optimised)).toEqual(loaded.map(() => undefined));
    } finally {
      process.env.DIFFGRAPH_SAVE_OPTIMISED = '1';
    }
  });
});
