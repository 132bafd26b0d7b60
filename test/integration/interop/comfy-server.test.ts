// ComfyUI's HTTP + WebSocket API on a real `diffgraph serve` (startServer, real engine, shapes model),
// driven by comfy_client.py, which does what ComfyUI's own websockets_api_example.py does.
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { APP_ROOT } from '../../../main/paths.ts';
import { type RunningServer, startServer } from '../../../main/server/server.ts';
import { tinyCheckpoint } from '../../fixtures/checkpoints/tiny-checkpoint.ts';
import { makeFolders, type TestFolders } from '../../unit/host/server-helpers.ts';

const CLIENT = join(APP_ROOT, 'test', 'integration', 'interop', 'comfy_client.py');
const PROMPT = join(APP_ROOT, 'test', 'fixtures', 'comfy', 'default-api.json');
const IMG2IMG = join(APP_ROOT, 'test', 'fixtures', 'comfy', 'img2img-api.json');
const UPLOAD = join(APP_ROOT, 'test', 'fixtures', 'comfy', 'upload-128.png');

function runPython(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let folders: TestFolders;
let server: RunningServer;
const start = () =>
  startServer({ port: 0, paths: folders.paths, device: 'cpu', staticDir: folders.staticDir });
const address = () => new URL(server.url).host;
const get = async (path: string) => {
  const res = await fetch(new URL(path, server.url));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  folders = await makeFolders();
  server = await start();
});
afterAll(async () => {
  await server.close();
  await rm(folders.base, { recursive: true, force: true });
});

describe('ComfyUI API on diffgraph serve', { timeout: 120_000 }, () => {
  let promptId = '';

  it('queues a prompt, streams ComfyUI messages and serves the image, as the ComfyUI example expects', async () => {
    const result = await runPython([CLIENT, address(), PROMPT]);
    expect(result.stderr).toBe('');
    const summary = JSON.parse(result.stdout) as {
      prompt_id: string;
      messages: string[];
      previews: [number, number, boolean][];
      images: Record<string, number[]>;
      status: { status_str: string; completed: boolean };
    };
    promptId = summary.prompt_id;
    expect(summary.messages[0]).toBe('status');
    for (const type of ['execution_start', 'executing', 'progress', 'executed', 'execution_success'])
      expect(summary.messages).toContain(type);
    expect(summary.messages.at(-1)).toBe('executing');
    expect(summary.messages.filter((m) => m === 'progress')).toHaveLength(8); // 8 steps in the prompt
    // binary preview frames: PREVIEW_IMAGE (1), PNG (2), then a PNG file
    expect(summary.previews.length).toBeGreaterThan(0);
    for (const frame of summary.previews) expect(frame).toEqual([1, 2, true]);
    expect(Object.keys(summary.images)).toEqual(['9']);
    expect(summary.images['9'][0]).toBeGreaterThan(100);
    expect(summary.status).toEqual({ status_str: 'success', completed: true, messages: [] });
  });

  it('uploads an image through /upload/image and runs a LoadImage prompt on it, as a ComfyUI script does', async () => {
    const result = await runPython([CLIENT, address(), IMG2IMG, UPLOAD, '10']);
    expect(result.stderr).toBe('');
    const summary = JSON.parse(result.stdout) as {
      uploaded: unknown;
      images: Record<string, number[]>;
      status: { status_str: string };
    };
    expect(summary.uploaded).toEqual({ name: 'upload-128.png', subfolder: 'uploads', type: 'input' });
    expect(summary.status, JSON.stringify(summary.status)).toMatchObject({ status_str: 'success' });
    expect(Object.keys(summary.images)).toEqual(['9']);
    expect(summary.images['9'][0]).toBeGreaterThan(100);
    const sent = await readFile(UPLOAD);
    const stored = await readFile(join(folders.paths.input, 'uploads', 'upload-128.png'));
    expect(stored.equals(sent)).toBe(true);
  });

  it('answers each endpoint in ComfyUI’s JSON shape', async () => {
    expect(await get('/queue')).toEqual({ status: 200, body: { queue_running: [], queue_pending: [] } });
    const history = await get(`/history/${promptId}`);
    const entry = history.body[promptId] as {
      outputs: Record<string, { images: unknown[] }>;
      prompt: unknown[];
    };
    expect(entry.outputs['9'].images).toEqual([
      { filename: 'ComfyUI_00001.png', subfolder: '', type: 'output' },
    ]);
    expect(entry.prompt[1]).toBe(promptId);
    expect((await get('/history/no-such-prompt')).body).toEqual({});
    const info = (await get('/object_info')).body as Record<
      string,
      { input: { required: Record<string, unknown> } }
    >;
    expect(Object.keys(info.KSampler.input.required)).toEqual(
      expect.arrayContaining(['model', 'seed', 'steps', 'cfg', 'sampler_name', 'scheduler', 'denoise']),
    );
    expect(Object.keys((await get('/system_stats')).body)).toEqual(['system', 'devices']);
    expect((await get('/models/checkpoints')).body).toEqual(['diffgraph-shapes']);
    expect((await get('/models/no-such-folder')).status).toBe(404);
    expect((await get('/view?filename=../../etc/passwd.png&type=output')).status).toBe(404);
    // Only raster images are served, as from /files: anything a browser could run is refused.
    expect((await get('/view?filename=../../etc/passwd&type=output')).status).toBe(403);
    expect((await get('/view?filename=page.html&type=output')).status).toBe(403);
    expect((await get('/view?filename=x.png&type=models')).status).toBe(400);
  });

  it('answers the same endpoints under /api/ where Diffgraph’s own RPC does not use the name', async () => {
    expect((await get(`/api/history/${promptId}`)).body).toEqual((await get(`/history/${promptId}`)).body);
    expect(Object.keys((await get('/api/system_stats')).body)).toEqual(['system', 'devices']);
    expect((await get('/api/models/checkpoints')).body).toEqual(['diffgraph-shapes']);
    expect(Object.keys((await get('/api/queue')).body).sort()).toEqual(['queue_pending', 'queue_running']);
    const refused = await fetch(new URL('/api/prompt', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: { '1': { class_type: 'NoSuchNode', inputs: {} } } }),
    });
    expect(refused.status).toBe(400);
    expect(Object.keys((await refused.json()) as object)).toEqual(
      expect.arrayContaining(['error', 'node_errors']),
    );
    // POST /api/queue is Diffgraph's RPC "queue" (a graph to run), which answers with its own envelope
    const rpc = await fetch(new URL('/api/queue', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[]',
    });
    expect(rpc.status).toBe(400);
    expect(await rpc.json()).toMatchObject({ ok: false });
    // an unknown path under /api/ is still the RPC's JSON 404-style refusal, never the editor page
    expect((await fetch(new URL('/api/no_such_thing', server.url))).headers.get('content-type')).toMatch(
      /json/,
    );
  });

  it('refuses a prompt that cannot run with ComfyUI’s error shape', async () => {
    const prompt = {
      '1': {
        class_type: 'KSampler',
        inputs: { seed: 1, steps: 2, cfg: 1, sampler_name: 'uni_pc', scheduler: 'normal', denoise: 1 },
      },
    };
    const res = await fetch(new URL('/prompt', server.url), {
      method: 'POST',
      body: JSON.stringify({ prompt }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { type: string };
      node_errors: Record<string, { errors: { message: string }[] }>;
    };
    expect(body.error.type).toBe('prompt_outputs_failed_validation');
    expect(body.node_errors['1'].errors[0].message).toMatch(/uni_pc/);
  });

  it('applies the server’s origin rule to the ComfyUI endpoints', async () => {
    const res = await fetch(new URL('/prompt', server.url), {
      method: 'POST',
      headers: { origin: 'http://evil.example' },
      body: JSON.stringify({ prompt: {} }),
    });
    expect(res.status).toBe(403);
  });

  it('keeps the history across a restart', async () => {
    await server.close();
    server = await start();
    expect(Object.keys((await get('/history')).body)).toContain(promptId);
  });

  it('finds a checkpoint a script names without its extension, as A1111 and older workflows do', async () => {
    const checkpoints = join(folders.paths.models, 'checkpoints');
    await mkdir(checkpoints, { recursive: true });
    await writeSafetensors(join(checkpoints, 'tiny-sd1.safetensors'), tinyCheckpoint('sd1'));
    const prompt = JSON.parse(await readFile(PROMPT, 'utf8')) as Record<
      string,
      { class_type: string; inputs: Record<string, unknown> }
    >;
    const loader = Object.values(prompt).find((n) => n.class_type === 'CheckpointLoaderSimple');
    if (!loader) throw new Error('the fixture prompt has no CheckpointLoaderSimple');
    loader.inputs.ckpt_name = 'tiny-sd1';
    const res = await fetch(new URL('/prompt', server.url), {
      method: 'POST',
      body: JSON.stringify({ prompt }),
    });
    const body = (await res.json()) as { prompt_id?: string; node_errors: unknown };
    expect(res.status, JSON.stringify(body)).toBe(200);
    const id = body.prompt_id as string;
    await expect
      .poll(
        async () => (await get(`/history/${id}`)).body[id] as { status?: { status_str: string } } | undefined,
        {
          timeout: 90_000,
          interval: 500,
        },
      )
      .toMatchObject({ status: { status_str: 'success' } });
  });
});
