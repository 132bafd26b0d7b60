// Graphs arriving over HTTP, through startServer and the real worker-backed engine: file paths in
// their widgets stay inside the allowed folders, saved graphs record their models by name and
// content hash, and a graph whose model is missing says which model and where it looked.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../main/host/shared/api.ts';
import { createHttpHostApi, type HttpHostApi } from '../../../main/host/shared/http-client.ts';
import { BUNDLED_MODELS_DIR } from '../../../main/paths.ts';
import { type RunningServer, startServer } from '../../../main/server/server.ts';
import { makeFolders, type TestFolders, waitFor, wsFactory } from './server-helpers.ts';

let folders: TestFolders;
let server: RunningServer;
let api: HttpHostApi;
const events: HostEvent[] = [];

beforeAll(async () => {
  folders = await makeFolders();
  server = await startServer({ port: 0, paths: folders.paths, device: 'cpu', staticDir: folders.staticDir });
  api = createHttpHostApi({ baseUrl: server.url, createSocket: wsFactory });
  api.onEvent((e) => events.push(e));
  await waitFor(() => events.find((e) => e.type === 'queue'));
});
afterAll(async () => {
  api.close();
  await server.close();
  await rm(folders.base, { recursive: true, force: true });
});

async function runToEnd(graph: unknown) {
  const { runId } = await api.queue(graph);
  const done = await waitFor(
    () => events.find((e) => e.type === 'run-result' && e.result.runId === runId),
    60_000,
  );
  return (done as Extract<HostEvent, { type: 'run-result' }>).result;
}

const node = (type: string, widgets: Record<string, unknown>) => ({ type, widgets, position: [0, 0] });

/** LoadPipeline(model) -> VAEDecode of an empty latent -> PreviewImage: runs the loader first. */
function decodeGraph(model: string) {
  return {
    format: 'diffgraph',
    version: 1,
    nodes: {
      load: node('LoadPipeline', { model, device: 'cpu' }),
      empty: node('EmptyLatent', { width: 64, height: 64 }),
      decode: node('VAEDecode', {}),
      preview: node('PreviewImage', {}),
    },
    edges: [
      { from: ['load', 'vae'], to: ['decode', 'vae'] },
      { from: ['empty', 'latent'], to: ['decode', 'latent'] },
      { from: ['decode', 'image'], to: ['preview', 'image'] },
    ],
  };
}

/** The documented model hash, computed here from the bytes: one line `<relative path> <sha256>`
 * per file (hidden files skipped), sorted, joined by newlines, hashed again. */
function folderSha256(dir: string): string {
  const files = (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .filter(
      (p) =>
        !relative(dir, p)
          .split('/')
          .some((part) => part.startsWith('.')),
    );
  const lines = files.map(
    (p) => `${relative(dir, p)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`,
  );
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

describe('graph file paths over HTTP', () => {
  it('refuses LoadImage naming /etc/passwd, without any of the file in the message', async () => {
    const graph = {
      format: 'diffgraph',
      version: 1,
      nodes: {
        image: node('LoadImage', { image: '/etc/passwd' }),
        preview: node('PreviewImage', {}),
      },
      edges: [{ from: ['image', 'image'], to: ['preview', 'image'] }],
    };
    const result = await runToEnd(graph);
    expect(result.status).toBe('failed');
    expect(result.error?.nodeId).toBe('image');
    expect(result.error?.message).toBe(
      `Node "image" (LoadImage) failed: image: image "/etc/passwd" is an absolute path outside the allowed folders; graphs run in the editor or server may only name files inside them (allowed folders: ${folders.paths.input}; the diffgraph CLI also accepts absolute paths)`,
    );
    const passwd = readFileSync('/etc/passwd', 'utf8');
    for (const line of passwd.split('\n').filter((l) => l.length > 8)) {
      expect(result.error?.message).not.toContain(line.slice(0, 8));
    }
  });

  it('refuses a model path outside the model folders', async () => {
    const result = await runToEnd(decodeGraph(folders.base));
    expect(result.error?.nodeId).toBe('load');
    expect(result.error?.message).toContain(
      `model: pipeline "${folders.base}" is an absolute path outside the allowed folders`,
    );
    expect(result.error?.message).toContain(
      `allowed folders: ${folders.paths.models}, ${BUNDLED_MODELS_DIR}`,
    );
  });
});

describe('models recorded in graphs', () => {
  it('a saved graph lists the default model diffgraph-shapes with its sha256', async () => {
    const graph = {
      format: 'diffgraph',
      version: 1,
      nodes: { load: node('LoadPipeline', { model: 'diffgraph-shapes', device: 'cpu' }) },
      edges: [],
    };
    const id = await api.writeGraph('with-model', graph);
    expect(id).toBe('graphs:with-model.json');
    const saved = JSON.parse(await readFile(join(folders.paths.graphs, 'with-model.json'), 'utf8'));
    const sha256 = folderSha256(join(BUNDLED_MODELS_DIR, 'diffgraph-shapes'));
    expect(saved).toEqual({ ...graph, models: [{ name: 'diffgraph-shapes', sha256 }] });
    expect(await api.readGraph(id)).toEqual(saved);
  });

  it('a graph whose model is missing says which model (name and hash) and where it looked', async () => {
    const sha256 = 'be'.repeat(32);
    const graph = { ...decodeGraph('friends-model'), models: [{ name: 'friends-model', sha256 }] };
    const result = await runToEnd(graph);
    expect(result.error).toEqual({
      nodeId: 'load',
      message: `Node "load" (LoadPipeline) failed: model: pipeline "friends-model" (sha256 ${sha256}) not found; looked in: ${join(folders.paths.models, 'friends-model')}, ${join(BUNDLED_MODELS_DIR, 'friends-model')}`,
    });
    // Saving it again keeps the hash it recorded, though the model is not on this machine.
    await api.writeGraph('friends', graph);
    const saved = JSON.parse(await readFile(join(folders.paths.graphs, 'friends.json'), 'utf8'));
    expect(saved.models).toEqual([{ name: 'friends-model', sha256 }]);
  });
});
