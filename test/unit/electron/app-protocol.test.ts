import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../../../main/electron/app-origin.ts';
import { type AppProtocolDeps, handleAppRequest } from '../../../main/electron/app-protocol.ts';
import { HostCore } from '../../../main/host/host-core.ts';
import { fileUrlFor } from '../../../main/host/shared/file-url.ts';
import { FakeEngine } from '../host/fake-engine.ts';

let base: string;
let deps: AppProtocolDeps;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'diffgraph-protocol-'));
  const paths = {
    models: join(base, 'models'),
    input: join(base, 'input'),
    output: join(base, 'output'),
    graphs: join(base, 'graphs'),
  };
  for (const dir of Object.values(paths)) await mkdir(dir);
  await writeFile(join(paths.output, 'img_00001.png'), 'PNGDATA');
  // Files a graph could make a run write, or a user drop, that a browser would execute.
  await writeFile(join(paths.output, 'page.html'), '<script>parent.diffgraph.queue()</script>');
  await writeFile(
    join(paths.input, 'drawing.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>',
  );
  await writeFile(join(paths.output, 'latent_00001.npy'), 'NPY');
  await writeFile(join(paths.models, 'weights.onnx'), 'secret');
  const rendererDir = join(base, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(join(rendererDir, 'assets', 'main.js'), 'export {}');
  const core = new HostCore({ engine: new FakeEngine(), paths });
  deps = { rendererDir, resolveServedFile: (path) => core.resolveServedFile(path) };
});
afterAll(() => rm(base, { recursive: true, force: true }));

describe('the app protocol', () => {
  it('serves the editor page with its CSP, app routes falling back to it, and its assets', async () => {
    const page = await handleAppRequest(`${APP_ORIGIN}/index.html`, deps);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await (await handleAppRequest(`${APP_ORIGIN}/`, deps)).text()).toContain('<title>app</title>');
    expect(await (await handleAppRequest(`${APP_ORIGIN}/some/route`, deps)).text()).toContain(
      '<title>app</title>',
    );
    const asset = await handleAppRequest(`${APP_ORIGIN}/assets/main.js`, deps);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await handleAppRequest(`${APP_ORIGIN}/assets/nope.js`, deps)).status).toBe(404);
    expect((await handleAppRequest('diffgraph://other/index.html', deps)).status).toBe(404);
  });

  it('serves output images by the same URLs the editor builds, confined to input/output', async () => {
    const byArea = await handleAppRequest(fileUrlFor(`${APP_ORIGIN}/`, 'output/img_00001.png'), deps);
    expect(byArea.status).toBe(200);
    expect(byArea.headers.get('content-type')).toBe('image/png');
    expect(await byArea.text()).toBe('PNGDATA');
    const byPath = await handleAppRequest(
      fileUrlFor(`${APP_ORIGIN}/`, join(base, 'output', 'img_00001.png')),
      deps,
    );
    expect(await byPath.text()).toBe('PNGDATA');
    expect(
      (await handleAppRequest(fileUrlFor(`${APP_ORIGIN}/`, join(base, 'models', 'weights.onnx')), deps))
        .status,
    ).toBe(403);
    expect(
      (await handleAppRequest(`${APP_ORIGIN}/files/output/..%2F..%2Fmodels%2Fweights.onnx`, deps)).status,
    ).toBe(403);
    expect((await handleAppRequest(fileUrlFor(`${APP_ORIGIN}/`, 'output/missing.png'), deps)).status).toBe(
      404,
    );
  });

  // Regression: /files served any content type, with no CSP, on the origin
  // the IPC check trusts.
  it('serves only raster images from /files, each with a CSP that runs nothing', async () => {
    const image = await handleAppRequest(fileUrlFor(`${APP_ORIGIN}/`, 'output/img_00001.png'), deps);
    expect(image.headers.get('content-security-policy')).toBe(
      "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    );
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    for (const path of ['output/page.html', 'input/drawing.svg', 'output/latent_00001.npy']) {
      const refused = await handleAppRequest(fileUrlFor(`${APP_ORIGIN}/`, path), deps);
      expect(refused.status, path).toBe(403);
      expect(await refused.text()).toMatch(/is not an image/);
    }
  });
});
