// A run queued while `diffgraph serve` restarts its engine for new settings waits for the new
// engine and runs there; it is never handed to the old engine that is being closed.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineLike } from '../../../main/engine/transport/engine-calls.ts';
import type { DiffgraphPaths } from '../../../main/paths.ts';
import { ServerSettings } from '../../../main/server/server-settings.ts';
import { FakeEngine, settle } from './fake-engine.ts';

let home: string;
let paths: DiffgraphPaths;
/** Engines started so far; each start waits until the test lets it finish. */
let engines: FakeEngine[];
let starts: { finish(): void; fail(message: string): void }[];

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'diffgraph-serve-restart-'));
  paths = {
    models: join(home, 'models'),
    input: join(home, 'in'),
    output: join(home, 'out'),
    graphs: join(home, 'g'),
  };
  await mkdir(join(home, 'other-models'));
  engines = [];
  starts = [];
});
afterEach(() => rm(home, { recursive: true, force: true }));

async function openSettings(): Promise<ServerSettings> {
  let first = true;
  return ServerSettings.open({
    dir: home,
    paths,
    device: 'auto',
    fixed: { modelsDir: false, device: false },
    queueIsEmpty: async () => true,
    startEngine: () => {
      const engine = new FakeEngine();
      if (first) {
        first = false;
        engines.push(engine);
        return Promise.resolve(engine);
      }
      return new Promise<EngineLike>((resolve, reject) => {
        starts.push({
          finish: () => {
            engines.push(engine);
            resolve(engine);
          },
          fail: (message) => reject(new Error(message)),
        });
      });
    },
  });
}

const graph = { nodes: { a: { type: 'Int' } } };

describe('engine restart after a settings change', () => {
  it('holds a run queued during the restart and runs it on the new engine', async () => {
    const settings = await openSettings();
    const [old] = engines;
    const update = settings.updateHostSettings({ device: 'cpu' });
    while (starts.length === 0) await settle();
    const run = settings.engine.run(graph, undefined, { runId: 'during-restart' });
    const problems = settings.engine.validate(graph);
    await settle();
    expect(old.started).toHaveLength(0);
    starts[0].finish();
    await update;
    await settle();
    const fresh = engines[1];
    expect(old.closed).toBe(true);
    expect(old.started).toHaveLength(0);
    expect(fresh.started.map((r) => r.engineRunId)).toEqual(['during-restart']);
    expect(await problems).toEqual([]);
    fresh.finish();
    expect(await run).toMatchObject({ runId: 'during-restart', status: 'done' });
  });

  it('a cancel made during the restart reaches the held run on the new engine', async () => {
    const settings = await openSettings();
    const update = settings.updateHostSettings({ modelsDir: join(home, 'other-models') });
    while (starts.length === 0) await settle();
    const run = settings.engine.run(graph, undefined, { runId: 'r1' });
    settings.engine.cancel('r1');
    starts[0].finish();
    await update;
    expect(await run).toMatchObject({ runId: 'r1', status: 'cancelled' });
    expect(engines[1].cancelCalls).toEqual(['r1']);
    expect(engines[0].cancelCalls).toEqual([]);
  });

  it('when the new engine fails to start, held runs go to the old one, which stays open', async () => {
    const settings = await openSettings();
    const [old] = engines;
    const update = settings.updateHostSettings({ device: 'cpu' });
    while (starts.length === 0) await settle();
    const run = settings.engine.run(graph, undefined, { runId: 'r2' });
    starts[0].fail('no such device');
    await expect(update).rejects.toThrow('no such device');
    await settle();
    expect(old.closed).toBe(false);
    expect(old.started.map((r) => r.engineRunId)).toEqual(['r2']);
    old.finish();
    expect(await run).toMatchObject({ status: 'done' });
  });
});
