import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../main/engine/events.ts';
import { EngineClient } from '../../../main/engine/transport/client.ts';
import { pipelineGraph } from './test-nodes.ts';

const nodeModules = [new URL('./worker-nodes.ts', import.meta.url).href];
let client: EngineClient;

beforeAll(async () => {
  client = await EngineClient.start({
    paths: { models: '/tmp/m', input: '/tmp/i', output: '/tmp/o' },
    device: 'cpu',
    nodeModules,
  });
});
afterAll(async () => {
  await client.close();
});

function slowGraph() {
  const doc = pipelineGraph();
  // Steps long enough that the cancel message's round trip fits inside one of them.
  doc.nodes.sample.widgets = { seed: 3, steps: 2000, step_ms: 50 };
  return doc;
}

describe('EngineClient (worker thread)', () => {
  it('lists the catalogue, including built-in primitives', async () => {
    const types = (await client.catalogue()).map((n) => n.type);
    expect(types).toEqual(expect.arrayContaining(['Int', 'Float', 'String', 'Boolean', 'TSample']));
  });

  it('answers model requests from the runtime layer inside the worker', async () => {
    expect(await client.loadedModels()).toEqual([]);
    await expect(client.unloadModels()).resolves.toBeUndefined();
    expect(Array.isArray(await client.listModels())).toBe(true);
  });

  it('validates in the worker', async () => {
    const bad = pipelineGraph();
    bad.nodes.sample.widgets.steps = 0;
    expect((await client.validate(bad)).map((p) => p.code)).toEqual(['bad-widget-value']);
    expect(await client.validate(pipelineGraph())).toEqual([]);
  });

  it('runs a graph and streams its events', async () => {
    const events: EngineEvent[] = [];
    const result = await client.run(pipelineGraph(), (e) => events.push(e));
    expect(result.status).toBe('done');
    expect(result.outputs).toEqual([{ kind: 'latent', path: '/tmp/out.latent', meta: { sum: 96 } }]);
    expect(events[0].type).toBe('run-started');
    expect(events.at(-1)?.type).toBe('run-done');
    expect(events.filter((e) => e.type === 'node-done')).toHaveLength(5);
  });

  it('cancels the running run and runs queued ones in order afterwards', async () => {
    const order: string[] = [];
    const first = client.run(slowGraph(), (e) => {
      order.push(`a:${e.type}`);
      if (e.type === 'node-progress' && e.step === 2) client.cancel();
    });
    const second = client.run(pipelineGraph({ seed: 5 }), (e) => order.push(`b:${e.type}`));
    expect((await first).status).toBe('cancelled');
    expect((await second).status).toBe('done');
    expect(order.indexOf('a:run-cancelled')).toBeLessThan(order.indexOf('b:run-started'));
    expect(order.filter((e) => e === 'a:node-progress').length).toBeLessThanOrEqual(3);
  });

  it('cancels a queued run before it starts', async () => {
    const first = client.run(slowGraph(), undefined, { runId: 'first' });
    const events: EngineEvent[] = [];
    const queued = client.run(pipelineGraph(), (e) => events.push(e), { runId: 'queued' });
    client.cancel('queued');
    client.cancel('first');
    expect((await first).status).toBe('cancelled');
    expect(await queued).toMatchObject({ runId: 'queued', status: 'cancelled' });
    expect(events).toEqual([{ type: 'run-cancelled', runId: 'queued' }]);
  });

  it('fails the current run when the worker dies, then starts a new worker', async () => {
    const doc = pipelineGraph();
    doc.nodes.crash = { type: 'TCrash', widgets: {} };
    doc.edges.push({ from: ['empty', 'latent'], to: ['crash', 'latent'] });
    const events: EngineEvent[] = [];
    const result = await client.run(doc, (e) => events.push(e));
    expect(result.status).toBe('failed');
    expect(result.error?.message).toBe('The engine worker stopped unexpectedly: it exited with code 3');
    expect(events.at(-1)).toMatchObject({ type: 'run-failed', nodeId: null });
    expect((await client.run(pipelineGraph())).status).toBe('done');
  });

  it('hands runs still waiting when the worker dies to the new worker, in order', async () => {
    const doc = pipelineGraph();
    doc.nodes.crash = { type: 'TCrash', widgets: {} };
    doc.edges.push({ from: ['empty', 'latent'], to: ['crash', 'latent'] });
    const order: string[] = [];
    const crashing = client.run(doc);
    const second = client.run(pipelineGraph({ seed: 5 }), (e) => e.type === 'run-started' && order.push('b'));
    const third = client.run(pipelineGraph({ seed: 6 }), (e) => e.type === 'run-started' && order.push('c'));
    expect((await crashing).status).toBe('failed');
    expect((await second).status).toBe('done');
    expect((await third).status).toBe('done');
    expect(order).toEqual(['b', 'c']);
  });
});

describe('EngineClient from plain node', () => {
  it('starts its worker and runs outside vitest (tsx registered as bin/diffgraph.mjs does)', async () => {
    const { execFile } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const script = `
      import { register } from 'tsx/esm/api';
      register();
      const { EngineClient } = await import('./main/engine/transport/client.ts');
      const { pipelineGraph } = await import('./test/unit/engine/test-nodes.ts');
      const client = await EngineClient.start({ paths: { models: '/tmp', input: '/tmp', output: '/tmp' }, nodeModules: ${JSON.stringify(nodeModules)} });
      const result = await client.run(pipelineGraph());
      await client.close();
      console.log(JSON.stringify(result.outputs));`;
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: root }, (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
      );
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual([
      { kind: 'latent', path: '/tmp/out.latent', meta: { sum: 96 } },
    ]);
  });
});
