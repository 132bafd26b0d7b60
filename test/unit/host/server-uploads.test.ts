// Regression: files used to travel as up to 90 MiB of base64 inside a JSON body
// parsed on the server's main thread. They are now the raw request body (octet-stream), read with
// the upload limit; the JSON limit stays at what a graph needs.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { embedGraphInPng } from '../../../main/graph/png-text.ts';
import { MAX_UPLOAD_BYTES } from '../../../main/host/host-core.ts';
import { createHttpHostApi } from '../../../main/host/shared/http-client.ts';
import { MAX_BODY_BYTES } from '../../../main/server/rpc-route.ts';
import { fakeEngineServerPerTest, queueState, rawRequest, streamBody, wsFactory } from './server-helpers.ts';

const env = fakeEngineServerPerTest();

describe('file bodies', () => {
  it('a 50 MB upload is stored while another request is answered', async () => {
    const total = 50 * 1000 * 1000;
    let other: Promise<{ status: number; ms: number }> | undefined;
    const upload = streamBody(
      `${env.server.url}api/uploadInput?name=big.png`,
      { type: 'application/octet-stream', total, fill: 7 },
      () => {
        const started = Date.now();
        other = queueState(env.server.url).then((answer) => ({
          status: answer.status,
          ms: Date.now() - started,
        }));
      },
    );
    const answer = await upload;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ ok: true, result: 'big.png' });
    expect((await stat(join(env.folders.paths.input, 'big.png'))).size).toBe(total);
    const otherAnswer = await (other as Promise<{ status: number; ms: number }>);
    expect(otherAnswer.status).toBe(200);
    // A generous bound for a loaded 2-core machine; the base64 JSON path held the thread for seconds.
    expect(otherAnswer.ms).toBeLessThan(1000);
  }, 30_000);

  it('an upload over the limit is refused with the limit named, and nothing is stored', async () => {
    const answer = await streamBody(`${env.server.url}api/uploadInput?name=huge.png`, {
      type: 'application/octet-stream',
      total: MAX_UPLOAD_BYTES + 1024 * 1024,
      fill: 7,
    });
    // The server stops reading at the limit: either the client sees the 413 or its upload is cut.
    expect([413, 0]).toContain(answer.status);
    if (answer.status === 413) {
      expect(JSON.parse(answer.body).error.message).toBe(
        `uploadInput: request body over ${MAX_UPLOAD_BYTES} bytes (the limit for this call)`,
      );
    }
    await expect(stat(join(env.folders.paths.input, 'huge.png'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await queueState(env.server.url)).status).toBe(200);
  }, 30_000);

  it('a file inside a JSON body gets only the JSON limit', async () => {
    // What the old client sent: the file as base64 in the JSON arguments, here just past the limit.
    const body = `["big.png",{"$bytes":"${'A'.repeat(MAX_BODY_BYTES)}"}]`;
    const answer = await rawRequest(`${env.server.url}api/uploadInput`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.message).toContain(`request body over ${MAX_BODY_BYTES} bytes`);
  });

  it('octet-stream is only for calls that carry a file', async () => {
    const answer = await rawRequest(`${env.server.url}api/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: '[]',
    });
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.body).error.message).toBe('expected Content-Type: application/json');
  });

  it("the editor's HTTP client sends files as raw bodies (upload, graph from a PNG)", async () => {
    const sent: string[] = [];
    const api = createHttpHostApi({
      baseUrl: env.server.url,
      createSocket: wsFactory,
      fetch: (url, init) => {
        sent.push(
          `${new URL(String(url)).pathname}${new URL(String(url)).search} ${JSON.stringify(init?.headers)}`,
        );
        return fetch(url, init);
      },
    });
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const graph = { format: 'diffgraph', version: 1, title: 'from png', nodes: {}, edges: [] };
    const withGraph = new Uint8Array(embedGraphInPng(png, graph));
    expect(await api.uploadInput('a b.png', withGraph)).toBe('a b.png');
    expect(new Uint8Array(await readFile(join(env.folders.paths.input, 'a b.png')))).toEqual(withGraph);
    expect(await api.graphFromPng(withGraph)).toEqual(graph);
    expect(sent).toEqual([
      '/api/uploadInput?name=a+b.png {"content-type":"application/octet-stream"}',
      '/api/graphFromPng {"content-type":"application/octet-stream"}',
    ]);
    api.close();
  });
});
