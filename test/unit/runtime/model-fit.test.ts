// A model that cannot fit is refused before ONNX Runtime allocates anything, with the sizes named;
// one that fits only without the idle loaded models unloads those first; single models unload by key.
import { statSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadedModels, unloadModels } from '../../../main/runtime/index.ts';
import { checkModelFits } from '../../../main/runtime/model-fit.ts';
import { SessionPool, type SessionRequest, sessionPool } from '../../../main/runtime/session-pool.ts';
import { ModelInputError } from '../../../nodes/widget-errors.ts';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';
import { testRuntime } from './runtime-services.ts';

let f: FixtureModels;
beforeAll(async () => {
  f = await ensureFixtureModels();
});

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const plenty = () => 64 * GiB;
const request = (path: string, slot: string): SessionRequest => ({
  path,
  name: 'tiny',
  slot,
  device: 'cpu',
  defaultDevice: 'cpu',
});

describe('checkModelFits', () => {
  it('names the model, its weight bytes, the budget and what loaded models hold', () => {
    const limits = { budget: 8 * GiB, available: plenty };
    expect(() => checkModelFits('xl (unet)', 10.3 * GiB, 0, limits)).toThrow(
      'xl (unet) needs about 10.3 GiB for its weights, but the memory budget is 8.0 GiB: unload models',
    );
    expect(() => checkModelFits('xl (unet)', 5 * GiB, 4 * GiB, limits)).toThrow(
      'memory budget is 8.0 GiB and loaded models hold 4.0 GiB',
    );
    expect(() => checkModelFits('xl (unet)', 5 * GiB, 3 * GiB, limits)).not.toThrow();
  });

  it('refuses what the OS cannot give even without a budget', () => {
    const error = (() => {
      try {
        checkModelFits('xl (unet)', 10 * GiB, 0, { available: () => 6 * GiB });
      } catch (e) {
        return e as ModelInputError;
      }
    })();
    expect(error).toBeInstanceOf(ModelInputError);
    expect(error?.field).toBe('file');
    expect(error?.message).toContain(
      'needs about 10.0 GiB for its weights, but only 6.0 GiB of memory is available',
    );
  });
});

describe('SessionPool memory limits', () => {
  it('refuses a model over the budget before creating a session', async () => {
    const pool = new SessionPool();
    const bytes = statSync(f.files.vaeDecoder).size;
    pool.limits = { budget: bytes - 1, available: plenty };
    await expect(pool.acquire(request(f.files.vaeDecoder, 'vae_decoder'), () => {})).rejects.toThrow(
      /tiny \(vae_decoder\) needs about .* MiB for its weights, but the memory budget is/,
    );
    expect(pool.settled()).toEqual([]);
    pool.limits = { available: () => bytes - 1 };
    await expect(pool.acquire(request(f.files.vaeDecoder, 'vae_decoder'), () => {})).rejects.toThrow(
      /of memory is available/,
    );
  });

  it('unloads idle models to make room for one that fits alone', async () => {
    const pool = new SessionPool();
    const decoder = statSync(f.files.vaeDecoder).size;
    const encoder = statSync(f.files.vaeEncoder).size;
    pool.limits = { budget: Math.max(decoder, encoder) + MiB / 1024, available: plenty };
    expect(decoder + encoder).toBeGreaterThan(pool.limits.budget as number);
    const first = await pool.acquire(request(f.files.vaeDecoder, 'vae_decoder'), () => {});
    await pool.acquire(request(f.files.vaeEncoder, 'vae_encoder'), () => {});
    expect(pool.settled().map((s) => s.slot)).toEqual(['vae_encoder']);
    expect(first.retired).toBe(true);
    await pool.unloadAll();
  });
});

describe('unloadModels by key', () => {
  it('unloads just that model; an unknown key is an error', async () => {
    const runtime = testRuntime({ models: f.modelsDir });
    const pool = sessionPool(runtime);
    await pool.acquire(request(f.files.vaeDecoder, 'vae_decoder'), () => {});
    await pool.acquire(request(f.files.vaeEncoder, 'vae_encoder'), () => {});
    const loaded = loadedModels(runtime);
    expect(loaded.map((m) => m.slot).sort()).toEqual(['vae_decoder', 'vae_encoder']);
    const decoder = loaded.find((m) => m.slot === 'vae_decoder');
    expect(decoder?.bytes).toBe(statSync(f.files.vaeDecoder).size);
    await unloadModels(runtime, decoder?.key);
    expect(loadedModels(runtime).map((m) => m.slot)).toEqual(['vae_encoder']);
    await expect(unloadModels(runtime, decoder?.key)).rejects.toThrow(/no loaded model "/);
    await unloadModels(runtime);
    expect(loadedModels(runtime)).toEqual([]);
  });
});
