// The history the editor shows, from the output folder's manifest: editor runs are recorded as
// they finish and survive a restart, CLI runs are read from the same file, and deleting a run
// removes its files and entry but never a file outside the output folder.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embedGraphInPng } from '../../../main/graph/png-text.ts';
import { HostCore } from '../../../main/host/host-core.ts';
import { RunHistory } from '../../../main/host/run-history.ts';
import type { HostEvent } from '../../../main/host/shared/api.ts';
import { HostError } from '../../../main/host/shared/errors.ts';
import { FakeEngine } from './fake-engine.ts';

let base: string;
let out: string;
let changes: number;

function history(): RunHistory {
  return new RunHistory({ outputDir: out, changed: () => changes++ });
}

const GRAPH = {
  format: 'diffgraph',
  version: 1,
  nodes: {
    neg: { type: 'TextEncode', widgets: { text: 'blurry' } },
    pos: { type: 'TextEncode', widgets: { text: 'a blue ring' } },
    sampler: { type: 'Sampler', widgets: { sampler: 'euler', seed: 1000 } },
  },
  edges: [
    { from: ['neg', 'conditioning'], to: ['sampler', 'negative'] },
    { from: ['pos', 'conditioning'], to: ['sampler', 'positive'] },
  ],
};

async function png(graph?: unknown): Promise<Buffer> {
  const bytes = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#f00' } })
    .png()
    .toBuffer();
  return graph ? embedGraphInPng(bytes, graph) : bytes;
}

async function manifest(): Promise<{ runs: { runId: string; outputs: { path: string }[] }[] }> {
  return JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
}

async function writeManifest(runs: unknown[]): Promise<void> {
  await writeFile(
    join(out, 'manifest.json'),
    JSON.stringify({ format: 'diffgraph-manifest', version: 1, runs }),
  );
}

/** An editor run of a batch of two, as the host sees it through its events. */
async function recordEditorRun(h: RunHistory, runId: string): Promise<void> {
  const files = [join(out, 'a_00001.png'), join(out, 'a_00002.png')];
  for (const file of files) await writeFile(file, await png());
  h.track(runId, GRAPH, 'My graph');
  h.observe({ type: 'run-started', runId, plan: ['sampler'] });
  h.observe({ type: 'node-done', runId, nodeId: 'sampler', ms: 12 });
  h.observe({
    type: 'run-result',
    result: {
      runId,
      status: 'done',
      ms: 40,
      outputs: files.map((path, batchIndex) => ({ kind: 'image', path, meta: { seed: 1000, batchIndex } })),
    },
  });
  await h.settled();
}

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'run-history-'));
  out = join(base, 'output');
  await mkdir(out);
  changes = 0;
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('run history', () => {
  it('records an editor run in manifest.json and lists it after a restart', async () => {
    await recordEditorRun(history(), 'r1');
    expect(changes).toBe(1);
    const file = await manifest();
    expect(file.runs.map((r) => r.runId)).toEqual(['r1']);
    expect(file.runs[0].outputs.map((o) => o.path)).toEqual(['a_00001.png', 'a_00002.png']);

    const [run] = await history().list(); // a fresh instance: what a reloaded editor sees
    expect(run).toMatchObject({
      runId: 'r1',
      status: 'done',
      source: 'editor',
      title: 'My graph',
      prompt: 'a blue ring', // the prompt wired to `positive`, not the first text node
      sampler: 'euler',
      seed: 1000,
      totalMs: 40,
    });
    // Batch item i was sampled from seed + i.
    expect(run.images).toEqual([
      { path: 'output/a_00001.png', seed: 1000 },
      { path: 'output/a_00002.png', seed: 1001 },
    ]);
    expect(await history().graph('r1')).toEqual(GRAPH);
  });

  it('keeps runs another process wrote and reads a CLI run from its PNG', async () => {
    await writeFile(join(out, 'cli_00001.png'), await png(GRAPH));
    await writeManifest([
      {
        runId: 'cli',
        status: 'done',
        finishedAt: '2026-01-01T00:00:00.000Z',
        seed: 7,
        graph: '/somewhere/else.json',
        timings: { totalMs: 5 },
        outputs: [{ kind: 'image', path: 'cli_00001.png', meta: { seed: 7, batchIndex: 0 } }],
      },
    ]);
    await recordEditorRun(history(), 'r2');
    const runs = await history().list();
    expect(runs.map((r) => r.runId)).toEqual(['r2', 'cli']); // newest first
    expect(runs[1]).toMatchObject({ source: 'cli', prompt: 'a blue ring', sampler: 'euler', seed: 7 });
    expect(await history().graph('cli')).toEqual(GRAPH);
  });

  it('delete removes the files and the entry, and leaves the other runs', async () => {
    await recordEditorRun(history(), 'r1');
    await writeFile(join(out, 'b.png'), await png());
    const file = await manifest();
    await writeManifest([
      ...file.runs,
      { runId: 'r2', status: 'done', outputs: [{ kind: 'image', path: 'b.png' }] },
    ]);
    await history().delete('r1');
    expect(existsSync(join(out, 'a_00001.png'))).toBe(false);
    expect(existsSync(join(out, 'a_00002.png'))).toBe(false);
    expect(existsSync(join(out, 'b.png'))).toBe(true);
    expect((await manifest()).runs.map((r) => r.runId)).toEqual(['r2']);
    await expect(history().delete('r1')).rejects.toThrow(/run "r1" is not in manifest.json/);
  });

  it.each([
    ['a relative escape', () => '../secret.txt'],
    ['an absolute path outside', () => join(base, 'secret.txt')],
    ['a symlink leading outside', () => 'link.txt'],
    ['the manifest itself', () => 'manifest.json'],
  ])('delete refuses %s and changes nothing', async (_what, path) => {
    await writeFile(join(base, 'secret.txt'), 'keep me');
    await symlink(join(base, 'secret.txt'), join(out, 'link.txt'));
    await writeFile(join(out, 'mine.png'), 'x');
    const outputs = [
      { kind: 'image', path: 'mine.png' },
      { kind: 'file', path: path() },
    ];
    await writeManifest([{ runId: 'evil', status: 'done', outputs }]);
    const before = await readFile(join(out, 'manifest.json'), 'utf8');
    const refusal = await history()
      .delete('evil')
      .catch((error) => error);
    expect(refusal).toBeInstanceOf(HostError);
    expect(refusal.code).toBe('forbidden');
    expect(refusal.message).toContain(path());
    expect(await readFile(join(base, 'secret.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(join(out, 'link.txt'))).toBe(true);
    expect(existsSync(join(out, 'mine.png'))).toBe(true); // all or nothing
    expect(await readFile(join(out, 'manifest.json'), 'utf8')).toBe(before);
  });

  it('says which file is broken instead of showing an empty history', async () => {
    await writeFile(join(out, 'manifest.json'), '{"runs": [');
    await expect(history().list()).rejects.toThrow(/manifest\.json is not valid JSON/);
    await writeFile(join(out, 'manifest.json'), '{"runs": []}');
    await expect(history().list()).rejects.toThrow(/not a diffgraph manifest/);
  });

  it('does not record a run cancelled before it started', async () => {
    const h = history();
    h.track('c', GRAPH);
    h.observe({ type: 'run-result', result: { runId: 'c', status: 'cancelled', ms: 0, outputs: [] } });
    await h.settled();
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
  });

  it('the host records the runs it queues and tells the editors', async () => {
    const engine = new FakeEngine();
    const paths = { models: base, input: base, output: out, graphs: base };
    const core = new HostCore({ engine, paths, templatesDir: base });
    const events: HostEvent['type'][] = [];
    core.onEvent((event) => events.push(event.type));
    const { runId } = await core.queue(GRAPH, 'Queued');
    await writeFile(join(out, 'q.png'), await png());
    engine.finish([{ kind: 'image', path: join(out, 'q.png'), meta: { seed: 1000, batchIndex: 0 } }]);
    await core.close(0);
    expect(events.at(-1)).toBe('history-changed');
    const [run] = await core.history();
    expect(run).toMatchObject({ runId, title: 'Queued', prompt: 'a blue ring', status: 'done' });
    expect(run.images).toEqual([{ path: 'output/q.png', seed: 1000 }]);
    expect(await core.historyGraph(runId)).toEqual(GRAPH);
  });
});
