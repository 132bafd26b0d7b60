import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../main/host/shared/api.ts';
import { createHttpHostApi } from '../../../main/host/shared/http-client.ts';
import { type RunningServer, startServer } from '../../../main/server/server.ts';
import { FakeEngine } from './fake-engine.ts';
import {
  makeFolders,
  rawRequest,
  type TestFolders,
  tryWebSocket,
  waitFor,
  wsFactory,
} from './server-helpers.ts';

let folders: TestFolders;
let server: RunningServer;

beforeEach(async () => {
  folders = await makeFolders();
});
afterEach(async () => {
  await server?.close();
  await rm(folders.base, { recursive: true, force: true });
});

/** The server listens on all interfaces; tests reach it through loopback. */
function local(url: string): string {
  return url.replace('0.0.0.0', '127.0.0.1');
}

describe('startServer beyond loopback', () => {
  it('generates a token when none is given and refuses every request without it', async () => {
    server = await startServer({
      host: '0.0.0.0',
      port: 0,
      paths: folders.paths,
      staticDir: folders.staticDir,
      engine: new FakeEngine(),
    });
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(server.openUrl).toBe(`${server.url}?token=${server.token}`);
    const base = local(server.url);
    const denied = await rawRequest(`${base}api/catalogue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[]',
    });
    expect(denied.status).toBe(401);
    expect(denied.body).toMatch(/needs its access token/);
    expect((await rawRequest(base)).status).toBe(401);
    expect((await rawRequest(`${base}files/output/x.png`)).status).toBe(401);
    expect((await rawRequest(`${base}?token=wrong`)).status).toBe(401);
    expect(await tryWebSocket(`${base.replace('http', 'ws')}api/events`)).toBe(401);
  });

  it('accepts the token as a Bearer header, a query parameter (setting a cookie) or that cookie', async () => {
    server = await startServer({
      host: '0.0.0.0',
      port: 0,
      token: 'sesame-0123456789-abcdefgh',
      paths: folders.paths,
      staticDir: folders.staticDir,
      engine: new FakeEngine(),
    });
    const base = local(server.url);
    const api = createHttpHostApi({
      baseUrl: base,
      token: 'sesame-0123456789-abcdefgh',
      createSocket: wsFactory,
    });
    expect((await api.catalogue()).nodes).toHaveLength(1);
    const events: HostEvent[] = [];
    api.onEvent((event) => events.push(event));
    await waitFor(() => events.find((e) => e.type === 'queue'));
    api.close();

    const page = await rawRequest(`${base}?token=sesame-0123456789-abcdefgh`);
    expect(page.status).toBe(200);
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toMatch(/^diffgraph_token=sesame-0123456789-abcdefgh; HttpOnly; SameSite=Strict; Path=\//);
    const withCookie = await rawRequest(`${base}assets/app-1234.js`, {
      headers: { cookie: 'diffgraph_token=sesame-0123456789-abcdefgh' },
    });
    expect(withCookie.status).toBe(200);
    expect(
      await tryWebSocket(`${base.replace('http', 'ws')}api/events`, {
        cookie: 'diffgraph_token=sesame-0123456789-abcdefgh',
      }),
    ).toBe('open');
    expect(await tryWebSocket(`${base.replace('http', 'ws')}api/events?token=nope`)).toBe(401);
  });

  it('also enforces a token given for a loopback server', async () => {
    server = await startServer({
      port: 0,
      token: 'loopback-token-0123456789ab',
      paths: folders.paths,
      engine: new FakeEngine(),
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const call = (headers: Record<string, string>) =>
      rawRequest(`${server.url}api/queueState`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '[]',
      });
    expect((await call({})).status).toBe(401);
    const allowed = await call({ authorization: 'Bearer loopback-token-0123456789ab' });
    expect(allowed.status).toBe(200);
    expect(JSON.parse(allowed.body)).toEqual({ ok: true, result: { items: [] } });
  });
});

describe('startServer on a busy port', () => {
  it('says the port is in use and how to pick another, and closes its engine', async () => {
    server = await startServer({ port: 0, paths: folders.paths, engine: new FakeEngine() });
    const port = Number(new URL(server.url).port);
    const second = new FakeEngine();
    await expect(startServer({ port, paths: folders.paths, engine: second })).rejects.toThrow(
      `port ${port} on 127.0.0.1 is already in use: choose another with --port (0 picks a free one)`,
    );
    expect(second.closed).toBe(true);
  });
});
