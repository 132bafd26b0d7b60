import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { embedGraphInPng } from '../../../main/graph/png-text.ts';
import { HostCore } from '../../../main/host/host-core.ts';
import type { HostEvent } from '../../../main/host/shared/api.ts';
import { FakeEngine, settle } from './fake-engine.ts';

let base: string;
let engine: FakeEngine;
let core: HostCore;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'diffgraph-core-'));
  const paths = {
    models: join(base, 'models'),
    input: join(base, 'input'),
    output: join(base, 'output'),
    graphs: join(base, 'graphs'),
  };
  for (const dir of Object.values(paths)) await mkdir(dir, { recursive: true });
  engine = new FakeEngine();
  core = new HostCore({ engine, paths, templatesDir: join(base, 'templates') });
});
afterEach(async () => {
  await core.runHistory.settled(); // finished runs are being recorded in the output folder
  await rm(base, { recursive: true, force: true });
});

const doc = { format: 'diffgraph', version: 1, nodes: {}, edges: [] };

describe('HostCore', () => {
  it('fans every event out to all subscribers, even when one listener throws', async () => {
    const first: HostEvent[] = [];
    const second: HostEvent[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    core.onEvent(() => {
      throw new Error('broken listener');
    });
    core.onEvent((e) => first.push(e));
    const unsubscribe = core.onEvent((e) => second.push(e));
    await core.queue(doc, 'A');
    unsubscribe();
    engine.finish();
    await settle();
    expect(first.map((e) => e.type)).toEqual([
      'queue',
      'queue',
      'run-started',
      'node-progress',
      'run-done',
      'run-result',
      'queue',
    ]);
    expect(second.map((e) => e.type)).toEqual(['queue', 'queue', 'run-started']);
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });

  it('reads the graph embedded in a PNG, null for a PNG without one, a clear error for other bytes', async () => {
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const graph = { ...doc, title: 'from png' };
    expect(await core.graphFromPng(new Uint8Array(embedGraphInPng(png, graph)))).toEqual(graph);
    expect(await core.graphFromPng(new Uint8Array(png))).toBeNull();
    await expect(core.graphFromPng(new TextEncoder().encode('GIF89a'))).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/^not a readable PNG/),
    });
  });

  it('serves files from input and output only, by area path or absolute path', async () => {
    const out = join(base, 'output', 'ComfyUI_00001.png');
    await writeFile(out, 'png');
    await writeFile(join(base, 'models', 'model.onnx'), 'weights');
    await symlink(join(base, 'models', 'model.onnx'), join(base, 'output', 'model-link.png'));
    expect(await core.resolveServedFile('output/ComfyUI_00001.png')).toBe(out);
    expect(await core.resolveServedFile(out)).toBe(out);
    await expect(core.resolveServedFile('models/model.onnx')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(core.resolveServedFile(join(base, 'models', 'model.onnx'))).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(core.resolveServedFile('output/model-link.png')).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(core.resolveServedFile(join(base, 'output', 'model-link.png'))).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(core.resolveServedFile('output/../models/model.onnx')).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('on close cancels queued and running runs, then closes the engine', async () => {
    const results: HostEvent[] = [];
    core.onEvent((e) => e.type === 'run-result' && results.push(e));
    await core.queue(doc, 'A');
    await core.queue(doc, 'B');
    await core.close();
    expect(results.map((e) => e.type === 'run-result' && e.result.status)).toEqual([
      'cancelled',
      'cancelled',
    ]);
    expect(engine.started).toHaveLength(1);
    expect(engine.closed).toBe(true);
  });
});

describe('HostCore.close with an engine that does not stop', () => {
  it('closes the engine after the settle time, which ends the stuck run', async () => {
    const results: HostEvent[] = [];
    core.onEvent((e) => e.type === 'run-result' && results.push(e));
    engine.cancel = (runId) => {
      engine.cancelCalls.push(runId);
    };
    engine.close = async () => {
      engine.closed = true;
      engine.crash('The engine client is closed');
    };
    await core.queue(doc, 'stuck');
    await core.close(20);
    await settle();
    expect(engine.closed).toBe(true);
    expect(results.map((e) => e.type === 'run-result' && e.result.status)).toEqual(['failed']);
  });
});

describe('HostCore.writeGraph', () => {
  const withModel = {
    ...doc,
    nodes: { load: { type: 'LoadPipeline', widgets: { model: 'sd' }, position: [0, 0] } },
    models: [{ name: 'old', sha256: '1'.repeat(64) }],
  };

  it('records the models the engine finds for the graph, replacing the list it had', async () => {
    engine.modelRefsAnswer = [{ name: 'sd', sha256: 'a'.repeat(64) }];
    await core.writeGraph('mine', withModel);
    expect(engine.modelRefsCalls).toEqual([withModel]);
    const saved = JSON.parse(await readFile(join(base, 'graphs', 'mine.json'), 'utf8'));
    expect(saved).toEqual({ ...withModel, models: [{ name: 'sd', sha256: 'a'.repeat(64) }] });
  });

  it('leaves out an empty list', async () => {
    await core.writeGraph('plain', withModel);
    const saved = JSON.parse(await readFile(join(base, 'graphs', 'plain.json'), 'utf8'));
    expect(saved).not.toHaveProperty('models');
  });

  it('still saves the graph, as given, when the engine cannot compute the list', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    engine.modelRefsAnswer = new Error('the engine worker stopped');
    await core.writeGraph('kept', withModel);
    const saved = JSON.parse(await readFile(join(base, 'graphs', 'kept.json'), 'utf8'));
    expect(saved).toEqual(withModel);
    expect(error).toHaveBeenCalledWith(expect.stringContaining('the engine worker stopped'));
    error.mockRestore();
  });
});
