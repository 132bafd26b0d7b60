import { statSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadedModels, unloadModels } from '../../../main/runtime/index.ts';
import {
  SessionHandle,
  SessionPool,
  type SessionRequest,
  sessionPool,
} from '../../../main/runtime/session-pool.ts';
import { ModelInputError } from '../../../nodes/widget-errors.ts';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';
import { testRuntime } from './runtime-services.ts';

let f: FixtureModels;
beforeAll(async () => {
  f = await ensureFixtureModels();
});

const request = (path: string, device: SessionRequest['device'] = 'cpu'): SessionRequest => ({
  path,
  name: 'test',
  slot: 'vae_decoder',
  device,
  defaultDevice: 'cpu',
});

describe('SessionPool', () => {
  it('loads a model once and shares the session', async () => {
    const pool = new SessionPool();
    const [a, b] = await Promise.all([
      pool.acquire(request(f.files.vaeDecoder), () => {}),
      pool.acquire(request(f.files.vaeDecoder), () => {}),
    ]);
    expect(a.session).toBe(b.session);
    expect(pool.settled()).toHaveLength(1);
    expect(pool.settled()[0]).toMatchObject({
      device: 'cpu',
      slot: 'vae_decoder',
      bytes: statSync(f.files.vaeDecoder).size,
    });
    expect(a.io.inputs.map((i) => i.name)).toEqual(['latent_sample']);
    await pool.unloadAll();
  });

  it('counts external data in the memory estimate', async () => {
    const pool = new SessionPool();
    const path = join(f.pipelines.tinySdExternalData, 'unet', 'model.onnx');
    const loaded = await pool.acquire({ ...request(path), slot: 'unet' }, () => {});
    expect(loaded.bytes).toBe(
      statSync(path).size + statSync(join(f.pipelines.tinySdExternalData, 'unet', 'model.onnx_data')).size,
    );
    await pool.unloadAll();
  });

  it('resolves auto to the runtime default device', async () => {
    const pool = new SessionPool(async () => {
      throw new Error('auto must not be consulted when the runtime names a device');
    });
    const loaded = await pool.acquire(
      { ...request(f.files.vaeDecoder, 'auto'), defaultDevice: 'cpu' },
      () => {},
    );
    expect(loaded.device).toBe('cpu');
    await pool.unloadAll();
  });

  it('falls back from a failing auto device to the CPU with a notice, once', async () => {
    // Pretend auto picked a provider this platform cannot have.
    const failing = process.platform === 'win32' ? 'coreml' : 'dml';
    const pool = new SessionPool(async () => failing);
    const notices: string[] = [];
    const req = { ...request(f.files.vaeDecoder, 'auto'), defaultDevice: 'auto' as const };
    const loaded = await pool.acquire(req, (m) => notices.push(m));
    expect(loaded.device).toBe('cpu');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      new RegExp(
        `^device auto: device "${failing}" could not load .*vae-decoder\\.onnx: .+ only; running on the CPU instead$`,
      ),
    );
    await pool.acquire(req, (m) => notices.push(m));
    expect(notices).toHaveLength(1);
    await pool.unloadAll();
  });

  it('fails an explicitly requested device with its name and the reason', async () => {
    const pool = new SessionPool();
    const failing = process.platform === 'win32' ? 'coreml' : 'dml';
    const error = await pool.acquire(request(f.files.vaeDecoder, failing), () => {}).catch((e) => e);
    expect(error).toBeInstanceOf(ModelInputError);
    expect(error.field).toBe('device');
    expect(error.message).toMatch(
      new RegExp(`^device "${failing}" could not load .*vae-decoder\\.onnx: .+ only$`),
    );
  });

  it('times every run through the timer hook', async () => {
    const pool = new SessionPool();
    const timings: [string, number][] = [];
    pool.timer = (slot, ms) => timings.push([slot, ms]);
    const handle = new SessionHandle(pool, request(f.files.vaeDecoder), () => {});
    const latent = new ort.Tensor('float32', new Float32Array(4 * 8 * 8), [1, 4, 8, 8]);
    await handle.run({ latent_sample: latent });
    await handle.run({ latent_sample: latent });
    expect(timings.map(([slot]) => slot)).toEqual(['vae_decoder', 'vae_decoder']);
    expect(timings.every(([, ms]) => ms > 0)).toBe(true);
    await pool.unloadAll();
  });

  it('reloads after unloading, so wrappers holding a handle keep working', async () => {
    const pool = new SessionPool();
    const handle = new SessionHandle(pool, request(f.files.vaeDecoder), () => {});
    const first = await handle.get();
    expect(await pool.unloadAll()).toBe(1);
    expect(pool.settled()).toHaveLength(0);
    const second = await handle.get();
    expect(second.session).not.toBe(first.session);
    const out = await handle.run({
      latent_sample: new ort.Tensor('float32', new Float32Array(4 * 8 * 8), [1, 4, 8, 8]),
    });
    expect(out.sample.dims).toEqual([1, 3, 64, 64]);
    await pool.unloadAll();
  });

  it('lets a run in progress finish when unloading, then releases its session', async () => {
    const pool = new SessionPool();
    const handle = new SessionHandle(pool, request(f.files.vaeDecoder), () => {});
    const old = await handle.get();
    const feeds = () => ({
      latent_sample: new ort.Tensor('float32', new Float32Array(4 * 8 * 8), [1, 4, 8, 8]),
    });
    const running = handle.run(feeds());
    const unloading = pool.unloadAll();
    const [out, count] = await Promise.all([running, unloading]);
    expect(out.sample.dims).toEqual([1, 3, 64, 64]);
    expect(count).toBe(1);
    expect(old.retired).toBe(true);
    await expect(old.session.run(feeds())).rejects.toThrow();
    const fresh = await handle.get();
    expect(fresh.session).not.toBe(old.session);
    expect(pool.settled()).toEqual([fresh]);
    await pool.unloadAll();
  });

  it('is shared through RuntimeServices and listed / unloaded by the public API', async () => {
    const runtime = testRuntime({ models: f.modelsDir });
    expect(sessionPool(runtime)).toBe(sessionPool(runtime));
    await sessionPool(runtime).acquire(request(f.files.vaeDecoder), () => {});
    expect(loadedModels(runtime)).toEqual([
      {
        key: `${f.files.vaeDecoder}|cpu`,
        name: 'test',
        slot: 'vae_decoder',
        device: 'cpu',
        bytes: statSync(f.files.vaeDecoder).size,
      },
    ]);
    await unloadModels(runtime);
    expect(loadedModels(runtime)).toEqual([]);
  });
});
