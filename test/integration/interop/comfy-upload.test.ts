// ComfyUI's POST /upload/image on a real `diffgraph serve`: multipart bodies sent in pieces that cut
// through the boundary, overwrite and numbering as ComfyUI does, confinement and size limits.
import { readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../main/server/server.ts';
import { makeFolders, type TestFolders } from '../../unit/host/server-helpers.ts';

let folders: TestFolders;
let server: RunningServer;

beforeAll(async () => {
  folders = await makeFolders();
  server = await startServer({ port: 0, paths: folders.paths, device: 'cpu', staticDir: folders.staticDir });
});
afterAll(async () => {
  await server.close();
  await rm(folders.base, { recursive: true, force: true });
});

const BOUNDARY = 'dg-test-boundary-7f3a';

function form(fields: Record<string, string>, file?: { name: string; data: Buffer }): Buffer {
  const parts: Buffer[] = [];
  if (file) {
    const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="${file.name}"\r\nContent-Type: image/png\r\n\r\n`;
    parts.push(Buffer.from(head), file.data, Buffer.from('\r\n'));
  }
  for (const [name, value] of Object.entries(fields))
    parts.push(
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(parts);
}

/** POST the body in the given pieces, each written on its own turn of the event loop. */
function post(
  pieces: Buffer[],
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/upload/image', server.url),
      {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    const write = async () => {
      for (const piece of pieces) {
        req.write(piece);
        await new Promise((r) => setTimeout(r, 2));
      }
      req.end();
    };
    void write();
  });
}

const png = Buffer.concat([
  Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
  Buffer.from(`\r\n--${BOUNDARY.slice(0, 5)}`),
]);

describe('POST /upload/image', () => {
  it('stores a body that arrives in pieces cut through every boundary, and answers ComfyUI’s shape', async () => {
    const body = form({ subfolder: 'uploads', type: 'input' }, { name: 'cat.png', data: png });
    const cuts: number[] = [];
    for (let at = body.indexOf(`--${BOUNDARY}`, 1); at >= 0; at = body.indexOf(`--${BOUNDARY}`, at + 1))
      cuts.push(at + 7); // inside each delimiter
    const pieces = [0, ...cuts].map((start, i) => body.subarray(start, cuts[i] ?? body.length));
    expect(pieces.length).toBeGreaterThan(3);
    const res = await post(pieces);
    expect(res).toEqual({ status: 200, body: { name: 'cat.png', subfolder: 'uploads', type: 'input' } });
    expect((await readFile(join(folders.paths.input, 'uploads', 'cat.png'))).equals(png)).toBe(true);
  });

  it('numbers a taken name unless overwrite is true', async () => {
    const again = await post([
      form({ subfolder: 'uploads' }, { name: 'cat.png', data: Buffer.from('second.') }),
    ]);
    expect(again.body).toEqual({ name: 'cat (1).png', subfolder: 'uploads', type: 'input' });
    const replaced = await post([
      form({ subfolder: 'uploads', overwrite: 'true' }, { name: 'cat.png', data: Buffer.from('third') }),
    ]);
    expect(replaced.body).toEqual({ name: 'cat.png', subfolder: 'uploads', type: 'input' });
    expect(await readFile(join(folders.paths.input, 'uploads', 'cat.png'), 'utf8')).toBe('third');
  });

  it.each([
    [{ subfolder: '../outside' }, 403, /subfolder "..\/outside"/],
    [{ subfolder: 'a/b/c' }, 403, /at most 2 plain folder names/],
    [{ type: 'output' }, 400, /input folder only/],
  ])('refuses %o', async (fields, status, message) => {
    const res = await post([form(fields, { name: 'x.png', data: png })]);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(message);
  });

  it('refuses a form without the image, a non-image name and a broken body', async () => {
    expect((await post([form({ subfolder: 'x' })])).body.error).toMatch(/expected a file field "image"/);
    expect((await post([form({}, { name: 'run.sh', data: png })])).body.error).toMatch(
      /expected an image file/,
    );
    const cut = form({}, { name: 'x.png', data: png }).subarray(0, 60);
    const res = await post([cut]);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/upload\/image: .*(ends before|headers are missing)/);
  });

  it('refuses an oversized body before reading it', async () => {
    const res = await post([Buffer.from('x')], { 'content-length': String(200 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatch(/request body over \d+ bytes/);
  });
});
