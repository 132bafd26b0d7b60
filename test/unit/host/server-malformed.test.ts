// Regression: a single malformed request — an upgrade whose target is
// `http://[`, a token cookie with a broken %-escape — once threw inside a handler and ended
// `diffgraph serve`. Each must get a 4xx (or a closed socket) while the server keeps serving.
import { rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokenBits, weakTokenProblem } from '../../../main/server/guard.ts';
import { type RunningServer, startServer } from '../../../main/server/server.ts';
import { FakeEngine } from './fake-engine.ts';
import { makeFolders, rawRequest, type TestFolders } from './server-helpers.ts';

const TOKEN = 'strong-token-0123456789-abcdef';
let folders: TestFolders;
let server: RunningServer | undefined;

beforeEach(async () => {
  folders = await makeFolders();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(folders.base, { recursive: true, force: true });
});

/** Send raw bytes and resolve with whatever the server wrote before closing (or after 2 s). */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = () => {
      socket.destroy();
      resolve(answer);
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('end', done);
    socket.on('error', done);
    socket.setTimeout(2000, done);
    socket.write(text);
  });
}

function upgradeRequest(target: string, host: string, extra = ''): string {
  return (
    `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`
  );
}

async function stillServes(base: string, headers: Record<string, string> = {}): Promise<void> {
  const answer = await rawRequest(`${base}api/queueState`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '[]',
  });
  expect(answer.status).toBe(200);
}

describe('malformed requests against a running server', () => {
  it('loopback: an upgrade to "http://[" is refused and the server keeps serving', async () => {
    server = await startServer({ port: 0, paths: folders.paths, engine: new FakeEngine() });
    const port = Number(new URL(server.url).port);
    const host = `127.0.0.1:${port}`;
    const answer = await rawExchange(port, upgradeRequest('http://[', host));
    expect(answer === '' || /^HTTP\/1\.1 4\d\d/.test(answer)).toBe(true);
    const plain = await rawExchange(
      port,
      `GET http://[ HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
    );
    expect(plain).toMatch(/^HTTP\/1\.1 400/);
    await stillServes(server.url);
  });

  it('any host: a bad target or a cookie "%ZZ" is refused before the token check crashes anything', async () => {
    server = await startServer({
      host: '0.0.0.0',
      port: 0,
      token: TOKEN,
      paths: folders.paths,
      engine: new FakeEngine(),
    });
    const port = Number(new URL(server.url).port);
    const base = `http://127.0.0.1:${port}/`;
    const host = `127.0.0.1:${port}`;
    const badCookie = 'Cookie: diffgraph_token=%ZZ\r\n';
    for (const request of [
      upgradeRequest('http://[', host),
      upgradeRequest('/api/events', host, badCookie),
      upgradeRequest('http://[', host, badCookie),
      `GET / HTTP/1.1\r\nHost: ${host}\r\n${badCookie}Connection: close\r\n\r\n`,
    ]) {
      const answer = await rawExchange(port, request);
      expect(answer === '' || /^HTTP\/1\.1 4\d\d/.test(answer)).toBe(true);
    }
    const withToken = await rawExchange(
      port,
      `GET http://[ HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`,
    );
    expect(withToken).toMatch(/^HTTP\/1\.1 400/);
    await stillServes(base, { authorization: `Bearer ${TOKEN}` });
  });
});

describe('over-long names', () => {
  it('a 300-character graph id gets a 4xx naming the limit, and no path of the machine', async () => {
    server = await startServer({ port: 0, paths: folders.paths, engine: new FakeEngine() });
    const graph = { format: 'diffgraph', version: 1, nodes: {}, edges: [] };
    const id = 'g'.repeat(300);
    for (const [method, args] of [
      ['writeGraph', [id, graph]],
      ['readGraph', [`${id}.json`]],
    ] as const) {
      const answer = await rawRequest(`${server.url}api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(args),
      });
      expect(answer.status, answer.body).toBe(400);
      expect(answer.body).toMatch(/at most 255 bytes/);
      expect(answer.body).not.toContain(folders.base);
    }
  });
});

describe('access token strength', () => {
  it('refuses tokens under 128 bits and names the numbers', async () => {
    expect(weakTokenProblem('abc')).toMatch(/too weak \(about 14 bits, at least 128 needed\)/);
    expect(weakTokenProblem('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).toMatch(/about 0 bits/);
    expect(weakTokenProblem(TOKEN)).toBeNull();
    // 22 base64url characters: 22 × log2(95) ≈ 144 ≥ 128.
    expect(tokenBits('Ab3_Ab3_Ab3_Ab3_Ab3_Ab')).toBeGreaterThanOrEqual(128);
    await expect(
      startServer({ host: '0.0.0.0', port: 0, token: 'a', paths: folders.paths, engine: new FakeEngine() }),
    ).rejects.toThrow(/access token is too weak/);
  });
});
