// `diffgraph serve`'s settings: kept in settings.json, applied by a new engine, refused with a
// reason when a flag fixed them, the folder is missing or runs are queued.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiffgraphPaths } from '../../../main/paths.ts';
import { ServerSettings, type ServerSettingsOptions } from '../../../main/server/server-settings.ts';
import type { DeviceName } from '../../../nodes/api.ts';
import { FakeEngine } from './fake-engine.ts';

let home: string;
let paths: DiffgraphPaths;
let started: { paths: DiffgraphPaths; device: DeviceName; engine: FakeEngine }[];

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'diffgraph-serve-settings-'));
  paths = {
    models: join(home, 'models'),
    input: join(home, 'in'),
    output: join(home, 'out'),
    graphs: join(home, 'g'),
  };
  await mkdir(join(home, 'other-models'));
  started = [];
});
afterEach(() => rm(home, { recursive: true, force: true }));

function open(overrides: Partial<ServerSettingsOptions> = {}): Promise<ServerSettings> {
  return ServerSettings.open({
    dir: home,
    paths,
    device: 'auto',
    fixed: { modelsDir: false, device: false },
    startEngine: async (p, device) => {
      const engine = new FakeEngine();
      started.push({ paths: p, device, engine });
      return engine;
    },
    queueIsEmpty: async () => true,
    ...overrides,
  });
}

describe('server settings', () => {
  it('stores a change, restarts the engine with it, and starts with it next time', async () => {
    const settings = await open();
    expect(started.map((s) => [s.paths.models, s.device])).toEqual([[paths.models, 'auto']]);
    const other = join(home, 'other-models');
    const answer = await settings.updateHostSettings({ modelsDir: other, device: 'cpu' });
    expect(answer).toMatchObject({
      modelsDir: other,
      device: 'cpu',
      editable: { modelsDir: true, device: true },
    });
    expect(started[1]).toMatchObject({ paths: { models: other }, device: 'cpu' });
    expect(started[0].engine.closed).toBe(true);
    expect(JSON.parse(await readFile(join(home, 'settings.json'), 'utf8'))).toMatchObject({
      modelsDir: other,
      device: 'cpu',
    });
    await open();
    expect(started[2]).toMatchObject({ paths: { models: other }, device: 'cpu' });
  });

  it('a flag wins over the file and cannot be changed from the editor', async () => {
    await (await open()).updateHostSettings({ device: 'cpu' });
    const fixed = await open({ device: 'webgpu', fixed: { modelsDir: false, device: true } });
    expect(started.at(-1)?.device).toBe('webgpu');
    expect(await fixed.hostSettings()).toMatchObject({
      device: 'webgpu',
      editable: { device: false },
      note: 'set on the command line (--device)',
    });
    await expect(fixed.updateHostSettings({ device: 'cpu' })).rejects.toThrow(/--device/);
  });

  it('refuses a folder that does not exist, a relative one, and any change while runs are queued', async () => {
    const settings = await open();
    await expect(settings.updateHostSettings({ modelsDir: join(home, 'nope') })).rejects.toThrow(
      `models folder ${join(home, 'nope')} is not an existing folder`,
    );
    await expect(settings.updateHostSettings({ modelsDir: 'models' })).rejects.toThrow(
      /must be an absolute path/,
    );
    const busy = await open({ queueIsEmpty: async () => false });
    await expect(busy.updateHostSettings({ device: 'cpu' })).rejects.toThrow(
      /finish or cancel the queued runs/,
    );
    expect(started).toHaveLength(2);
  });
});
