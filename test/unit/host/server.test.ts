import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../main/host/shared/api.ts';
import { createHttpHostApi, HostCallError, type HttpHostApi } from '../../../main/host/shared/http-client.ts';
import { type RunningServer, startServer } from '../../../main/server/server.ts';
import { FakeEngine } from './fake-engine.ts';
import { makeFolders, rawRequest, type TestFolders, waitFor, wsFactory } from './server-helpers.ts';

let folders: TestFolders;
let engine: FakeEngine;
let server: RunningServer;
let api: HttpHostApi;

beforeEach(async () => {
  folders = await makeFolders();
  engine = new FakeEngine();
  server = await startServer({
    port: 0,
    paths: folders.paths,
    staticDir: folders.staticDir,
    templatesDir: folders.templatesDir,
    engine,
  });
  api = createHttpHostApi({ baseUrl: server.url, createSocket: wsFactory });
});
afterEach(async () => {
  api.close();
  await server.close();
  await rm(folders.base, { recursive: true, force: true });
});

const doc = {
  format: 'diffgraph',
  version: 1,
  nodes: { a: { type: 'Int', widgets: {}, position: [0, 0] } },
  edges: [],
};

describe('startServer on loopback', () => {
  it('binds 127.0.0.1 on an ephemeral port without a token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.token).toBeUndefined();
    expect(server.openUrl).toBe(server.url);
  });

  it('answers host API calls over HTTP', async () => {
    const catalogue = await api.catalogue();
    expect(catalogue.nodes.map((n) => n.type)).toEqual(['Int']);
    expect(catalogue.socketTypes.LATENT.primitive).toBe(false);
    expect(await api.validate({ ...doc, nodes: {} })).toEqual([
      { nodeId: null, code: 'no-output-node', message: 'the graph has no output node' },
    ]);
    expect(await api.devices()).toEqual({
      devices: [{ name: 'cpu', available: true, detail: 'fake' }],
      auto: 'cpu',
    });
    expect(await api.unloadModels()).toBeNull();
    expect(await api.unloadModels('unet.onnx|cpu')).toBeNull();
    expect(engine.unloadCalls).toEqual([undefined, 'unet.onnx|cpu']);
    const id = await api.writeGraph('saved', doc);
    expect(id).toBe('graphs:saved.json');
    expect(await api.readGraph(id)).toEqual(doc);
    expect((await api.listGraphs()).map((g) => g.id)).toEqual(['template:default.json', 'graphs:saved.json']);
  });

  it('carries binary uploads and serves them back as files, confined to input/output', async () => {
    const bytes = new Uint8Array([137, 80, 78, 71, 0, 255, 1, 2]);
    const name = await api.uploadInput('../photo.png', bytes);
    expect(name).toBe('photo.png');
    expect([...(await readFile(join(folders.paths.input, 'photo.png')))]).toEqual([...bytes]);
    expect(await api.listInputs()).toEqual(['photo.png']);
    for (const url of [api.fileUrl('input/photo.png'), api.fileUrl(join(folders.paths.input, 'photo.png'))]) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([...bytes]);
    }
    expect((await fetch(`${server.url}files/input/..%2F..%2Fsecret.txt`)).status).toBe(403);
    expect((await fetch(api.fileUrl(join(folders.base, 'secret.txt')))).status).toBe(403);
    expect((await fetch(api.fileUrl('graphs/saved.json'))).status).toBe(403);
    expect((await fetch(api.fileUrl('output/none.png'))).status).toBe(404);
  });

  it('reports host errors with their code and a clear message', async () => {
    const error = await api.readGraph('graphs:../../secret.txt').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostCallError);
    expect(error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/leaves its folder/) });
    await expect(api.uploadInput('run.sh', new Uint8Array([1]))).rejects.toMatchObject({
      code: 'bad-request',
    });
  });

  it('validates request bodies against the channel map', async () => {
    const post = (method: string, body: string, type = 'application/json') =>
      fetch(`${server.url}api/${method}`, { method: 'POST', headers: { 'content-type': type }, body });
    const missing = await post('validate', '[]');
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.message).toMatch(/^validate: bad request/);
    expect((await post('readGraph', '[42]')).status).toBe(400);
    expect((await post('uploadInput', '["a.png", "not bytes"]')).status).toBe(400);
    expect((await post('noSuchMethod', '[]')).status).toBe(404);
    expect((await post('constructor', '[]')).status).toBe(404);
    expect((await post('catalogue', '[', 'application/json')).status).toBe(400);
    expect((await post('catalogue', '[]', 'text/plain')).status).toBe(415);
    expect((await fetch(`${server.url}api/catalogue`)).status).toBe(405);
  });

  it('pushes queue and run events over the WebSocket with the run id queue() returned', async () => {
    const events: HostEvent[] = [];
    api.onEvent((event) => events.push(event));
    await waitFor(() => events.find((e) => e.type === 'queue'));
    const { runId } = await api.queue(doc, 'First');
    await waitFor(() => engine.active ?? undefined);
    expect(await api.queueState()).toMatchObject({ items: [{ runId, title: 'First', state: 'running' }] });
    engine.finish([{ kind: 'image', path: join(folders.paths.output, 'x.png') }]);
    const result = await waitFor(() => events.find((e) => e.type === 'run-result'));
    expect(result).toMatchObject({ result: { runId, status: 'done' } });
    // Once the run is recorded in the output folder's manifest, open editors are told to refresh
    // their history (it may come before or after run-result: the recording is asynchronous).
    await waitFor(() => events.find((e) => e.type === 'history-changed'));
    const types = events.filter((e) => e.type !== 'queue' && e.type !== 'history-changed').map((e) => e.type);
    expect(types).toEqual(['run-started', 'node-progress', 'run-done', 'run-result']);
  });

  it('cancels a running run over HTTP', async () => {
    const { runId } = await api.queue({ ...doc, title: 'From the document' });
    await waitFor(() => engine.active ?? undefined);
    expect((await api.queueState()).items.map((i) => i.title)).toEqual(['From the document']);
    await api.cancel(runId);
    expect(engine.cancelCalls).toEqual([runId]);
    expect((await api.queueState()).items).toEqual([]);
  });

  it('serves the built editor with a strict CSP, falling back to index.html for app routes', async () => {
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Diffgraph</title>');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await (await fetch(`${server.url}graph/some-route`)).text()).toContain('<title>Diffgraph</title>');
    const asset = await fetch(`${server.url}assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${server.url}assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}..%2F..%2Fsecret.txt`)).status).toBe(404);
  });

  it('refuses a foreign Host header (DNS rebinding) and cross-origin calls', async () => {
    const port = new URL(server.url).port;
    const rebound = await rawRequest(`${server.url}api/catalogue`, {
      method: 'POST',
      headers: { host: `evil.example:${port}`, 'content-type': 'application/json' },
      body: '[]',
    });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toMatch(/Host "evil.example/);
    expect(
      (await rawRequest(server.url, { headers: { host: `127.0.0.1:${Number(port) + 1}` } })).status,
    ).toBe(403);
    expect((await rawRequest(server.url, { headers: { host: `localhost:${port}` } })).status).toBe(200);
    const crossOrigin = await rawRequest(`${server.url}api/catalogue`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '[]',
    });
    expect(crossOrigin.status).toBe(403);
    // An <img> on another site pointing at an output image: no Origin, but labelled cross-site.
    const embedded = await rawRequest(`${server.url}files/output/x.png`, {
      headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' },
    });
    expect(embedded.status).toBe(403);
    expect(embedded.body).toBe('refused: request made by another site');
    const followedLink = await rawRequest(server.url, {
      headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' },
    });
    expect(followedLink.status).toBe(200);
  });

  it('closes the engine with the server', async () => {
    await server.close();
    expect(engine.closed).toBe(true);
    server = await startServer({ port: 0, paths: folders.paths, engine: new FakeEngine() });
  });
});
