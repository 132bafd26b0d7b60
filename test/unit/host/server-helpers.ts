// Shared set-up for server tests: temporary folders, a built-editor stand-in, raw HTTP requests
// with headers fetch() will not let us set (Host), and a `ws` socket factory for the client.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { WebSocket } from 'ws';
import type { SocketFactory } from '../../../main/host/shared/reconnecting-socket.ts';
import type { DiffgraphPaths } from '../../../main/paths.ts';
import { type RunningServer, startServer } from '../../../main/server/server.ts';
import { FakeEngine } from './fake-engine.ts';

export interface TestFolders {
  base: string;
  paths: DiffgraphPaths;
  staticDir: string;
  templatesDir: string;
}

export async function makeFolders(): Promise<TestFolders> {
  const base = await mkdtemp(join(tmpdir(), 'diffgraph-server-'));
  const paths = {
    models: join(base, 'models'),
    input: join(base, 'input'),
    output: join(base, 'output'),
    graphs: join(base, 'graphs'),
  };
  for (const dir of Object.values(paths)) await mkdir(dir, { recursive: true });
  const staticDir = join(base, 'dist');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Diffgraph</title>');
  await writeFile(join(staticDir, 'assets', 'app-1234.js'), 'console.log(1)');
  const templatesDir = join(base, 'templates');
  await mkdir(templatesDir);
  await writeFile(
    join(templatesDir, 'default.json'),
    JSON.stringify({ format: 'diffgraph', version: 1, title: 'Default', nodes: {}, edges: [] }),
  );
  await writeFile(join(base, 'secret.txt'), 'secret');
  return { base, paths, staticDir, templatesDir };
}

/** Before each test: fresh folders and a server on a FakeEngine; after it, both are gone. */
export function fakeEngineServerPerTest(): { folders: TestFolders; server: RunningServer } {
  const env = {} as { folders: TestFolders; server: RunningServer };
  beforeEach(async () => {
    env.folders = await makeFolders();
    env.server = await startServer({ port: 0, paths: env.folders.paths, engine: new FakeEngine() });
  });
  afterEach(async () => {
    await env.server.close();
    await rm(env.folders.base, { recursive: true, force: true });
  });
  return env;
}

/** A small request the server must keep answering while it reads a large body. */
export function queueState(serverUrl: string): Promise<RawResponse> {
  return rawRequest(`${serverUrl}api/queueState`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '[]',
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP request with full control over headers (Host, Origin, Cookie). */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export const wsFactory: SocketFactory = (url) => new WebSocket(url) as unknown as ReturnType<SocketFactory>;

/** Try a WebSocket connection; resolves with 'open' or the refusal's HTTP status. */
export function tryWebSocket(url: string, headers: Record<string, string> = {}): Promise<'open' | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('error', () => resolve(0));
  });
}

export function waitFor<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      const value = check();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error('waitFor: timed out'));
      setTimeout(tick, 10);
    };
    tick();
  });
}

/**
 * POST `total` bytes of `fill` in 1 MiB pieces (no Content-Length), calling `onFirstChunk` once the
 * first piece is written; resolves with the status and body, status 0 if the server cut it off.
 */
export function streamBody(
  url: string,
  body: { type: string; total: number; fill: string | number },
  onFirstChunk: () => void = () => {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': body.type } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    const piece = Buffer.alloc(1024 * 1024, body.fill);
    let sent = 0;
    const pump = () => {
      while (sent < body.total) {
        const size = Math.min(piece.length, body.total - sent);
        sent += size;
        if (sent === size) onFirstChunk();
        if (!req.write(size === piece.length ? piece : piece.subarray(0, size)))
          return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
