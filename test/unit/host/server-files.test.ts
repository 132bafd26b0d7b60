// Regression (server side): `diffgraph serve`'s /files route served any content
// type from the output and input folders on the editor's origin, so an .html or .svg file there ran
// its scripts with the editor's rights. Only raster images are served now, with a CSP that runs nothing.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileUrlFor } from '../../../main/host/shared/file-url.ts';
import { type RunningServer, startServer } from '../../../main/server/server.ts';
import { FakeEngine } from './fake-engine.ts';
import { makeFolders, rawRequest, type TestFolders } from './server-helpers.ts';

let folders: TestFolders;
let server: RunningServer;

const PNG_BYTES = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 0]);

beforeEach(async () => {
  folders = await makeFolders();
  server = await startServer({ port: 0, paths: folders.paths, engine: new FakeEngine() });
  await writeFile(join(folders.paths.output, 'img_00001.png'), PNG_BYTES);
  await writeFile(join(folders.paths.output, 'photo.JPG'), 'jpeg bytes');
  await writeFile(join(folders.paths.output, 'page.html'), '<script>fetch("/api/queue")</script>');
  await writeFile(
    join(folders.paths.input, 'drawing.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/api/queue")</script></svg>',
  );
  await writeFile(join(folders.paths.output, 'latent_00001.npy'), 'npy');
});
afterEach(async () => {
  await server.close();
  await rm(folders.base, { recursive: true, force: true });
});

describe('/files', () => {
  it('serves a PNG with nosniff and a CSP that runs nothing', async () => {
    for (const method of ['GET', 'HEAD']) {
      const answer = await fetch(fileUrlFor(server.url, 'output/img_00001.png'), { method });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('image/png');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      const csp = answer.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/^default-src 'none'; img-src 'self';/);
      expect(csp.split('; ')).toContain('sandbox');
      if (method === 'GET') expect(Buffer.from(await answer.arrayBuffer())).toEqual(PNG_BYTES);
    }
    const jpeg = await fetch(fileUrlFor(server.url, join(folders.paths.output, 'photo.JPG')));
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
  });

  it('refuses HTML, SVG and other files, by area path and by absolute path', async () => {
    const paths = [
      'output/page.html',
      'input/drawing.svg',
      'output/latent_00001.npy',
      join(folders.paths.output, 'page.html'),
    ];
    for (const path of paths) {
      const answer = await rawRequest(fileUrlFor(server.url, path));
      expect(answer.status, path).toBe(403);
      expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(answer.body).toBe(`"${path}" is not an image (only PNG, JPEG, WebP, GIF and BMP are served)`);
      expect(answer.body).not.toContain('<script>');
    }
  });
});
