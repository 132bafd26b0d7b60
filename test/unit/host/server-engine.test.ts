// The server over the real worker-backed EngineClient (no model is loaded: these graphs fail
// validation, which is enough to see calls and events cross every layer).
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../main/host/shared/api.ts';
import { createHttpHostApi, type HttpHostApi } from '../../../main/host/shared/http-client.ts';
import { type RunningServer, startServer } from '../../../main/server/server.ts';
import { makeFolders, type TestFolders, waitFor, wsFactory } from './server-helpers.ts';

let folders: TestFolders;
let server: RunningServer;
let api: HttpHostApi;

beforeAll(async () => {
  folders = await makeFolders();
  server = await startServer({ port: 0, paths: folders.paths, device: 'cpu', staticDir: folders.staticDir });
  api = createHttpHostApi({ baseUrl: server.url, createSocket: wsFactory });
});
afterAll(async () => {
  api.close();
  await server.close();
  await rm(folders.base, { recursive: true, force: true });
});

describe('startServer with the real engine', () => {
  it('serves the node catalogue and the shipped templates', async () => {
    const types = (await api.catalogue()).nodes.map((n) => n.type);
    expect(types).toEqual(expect.arrayContaining(['LoadPipeline', 'Sampler', 'SaveImage', 'Int']));
    expect((await api.listGraphs()).map((g) => g.id)).toContain('template:default.json');
  });

  it('reports validation problems on the node they name', async () => {
    const graph = {
      format: 'diffgraph',
      version: 1,
      nodes: { n1: { type: 'NoSuchNode', widgets: {}, position: [0, 0] } },
      edges: [],
    };
    const problems = await api.validate(graph);
    expect(problems).toContainEqual(expect.objectContaining({ nodeId: 'n1', code: 'unknown-node-type' }));
  });

  it('queues a run whose failure arrives as events over the WebSocket', async () => {
    const events: HostEvent[] = [];
    api.onEvent((e) => events.push(e));
    await waitFor(() => events.find((e) => e.type === 'queue'));
    const graph = {
      format: 'diffgraph',
      version: 1,
      nodes: { n1: { type: 'NoSuchNode', widgets: {}, position: [0, 0] } },
      edges: [],
    };
    const { runId } = await api.queue(graph, 'broken');
    const result = await waitFor(() => events.find((e) => e.type === 'run-result'), 20_000);
    expect(result).toMatchObject({ result: { runId, status: 'failed' } });
    expect(events).toContainEqual(expect.objectContaining({ type: 'run-failed', runId }));
    expect((await api.queueState()).items).toEqual([]);
  });
});
