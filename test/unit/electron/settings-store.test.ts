import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, MAX_RECENT, SettingsStore } from '../../../main/host/settings-store.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'diffgraph-settings-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('SettingsStore', () => {
  it('starts from the defaults when there is no file', async () => {
    const store = new SettingsStore(dir);
    expect(await store.load()).toEqual({ settings: DEFAULT_SETTINGS });
  });

  it('round-trips settings through the file, written atomically', async () => {
    const store = new SettingsStore(dir);
    await store.load();
    await store.update({ modelsDir: '/data/models', device: 'webgpu' });
    await store.addRecent('/home/me/a.json');
    expect(await readdir(dir)).toEqual(['settings.json']);
    const again = new SettingsStore(dir);
    expect((await again.load()).settings).toEqual({
      version: 1,
      modelsDir: '/data/models',
      device: 'webgpu',
      recentFiles: ['/home/me/a.json'],
    });
  });

  it('keeps recent files newest first, without duplicates, at most MAX_RECENT', async () => {
    const store = new SettingsStore(dir);
    for (let i = 0; i < MAX_RECENT + 3; i += 1) await store.addRecent(`/g/${i}.json`);
    await store.addRecent('/g/5.json');
    const recent = store.get().recentFiles;
    expect(recent).toHaveLength(MAX_RECENT);
    expect(recent[0]).toBe('/g/5.json');
    expect(recent[1]).toBe(`/g/${MAX_RECENT + 2}.json`);
    expect(new Set(recent).size).toBe(recent.length);
  });

  it('applies concurrent changes one after another, losing none', async () => {
    const store = new SettingsStore(dir);
    await Promise.all([
      store.addRecent('/g/a.json'),
      store.update({ device: 'cpu' }),
      store.addRecent('/g/b.json'),
    ]);
    const expected = { version: 1, modelsDir: null, device: 'cpu', recentFiles: ['/g/b.json', '/g/a.json'] };
    expect(store.get()).toEqual(expected);
    expect((await new SettingsStore(dir).load()).settings).toEqual(expected);
  });

  it('moves a corrupt file aside and starts from the defaults', async () => {
    await writeFile(join(dir, 'settings.json'), '{"version": 1, "device": "cpu", "recentFi');
    const store = new SettingsStore(dir);
    const result = await store.load();
    expect(result.settings).toEqual(DEFAULT_SETTINGS);
    expect(result.recovered?.reason).toMatch(/^not valid JSON/);
    expect(await readFile(result.recovered?.movedTo as string, 'utf8')).toContain('recentFi');
    expect((await readdir(dir)).filter((name) => name === 'settings.json')).toEqual([]);
  });

  it('treats a file that breaks the schema as corrupt, naming the bad field', async () => {
    await writeFile(
      join(dir, 'settings.json'),
      JSON.stringify({ version: 1, modelsDir: 'relative/dir', device: 'tpu', recentFiles: [] }),
    );
    const result = await new SettingsStore(dir).load();
    expect(result.settings).toEqual(DEFAULT_SETTINGS);
    expect(result.recovered?.reason).toMatch(/modelsDir: must be an absolute path/);
    expect(result.recovered?.reason).toMatch(/device/);
  });

  it('refuses an invalid update and leaves the file as it was', async () => {
    const store = new SettingsStore(dir);
    await store.update({ device: 'cpu' });
    await expect(store.update({ modelsDir: 'not/absolute' })).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/modelsDir/),
    });
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toMatchObject({
      modelsDir: null,
      device: 'cpu',
    });
  });
});
