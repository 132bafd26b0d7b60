// Regression: bodies up to 128 MiB were parsed on the server's main thread;
// 100 MB of "[" blocked every other request for 20 s. Bodies are now limited per call, deep
// nesting is refused by a linear scan before parsing, and other requests keep being answered.
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../../main/server/rpc-route.ts';
import { fakeEngineServerPerTest, queueState, rawRequest, streamBody } from './server-helpers.ts';

const env = fakeEngineServerPerTest();

describe('request bodies', () => {
  it('a 100 MB body of "[" is refused at the limit while another request is answered', async () => {
    let other: Promise<{ status: number; ms: number }> | undefined;
    const brackets = { type: 'application/json', total: 100 * 1024 * 1024, fill: '[' };
    const big = streamBody(`${env.server.url}api/validate`, brackets, () => {
      const started = Date.now();
      other = queueState(env.server.url).then((answer) => ({
        status: answer.status,
        ms: Date.now() - started,
      }));
    });
    const bigAnswer = await big;
    const otherAnswer = await (other as Promise<{ status: number; ms: number }>);
    // The server stops reading at the limit: either the client sees the 413 or its upload is cut.
    expect([413, 0]).toContain(bigAnswer.status);
    if (bigAnswer.status === 413)
      expect(bigAnswer.body).toContain(`request body over ${MAX_BODY_BYTES} bytes`);
    expect(otherAnswer.status).toBe(200);
    // It used to wait 20 s; the bound is generous for a loaded 2-core machine.
    expect(otherAnswer.ms).toBeLessThan(1000);
    expect((await queueState(env.server.url)).status).toBe(200);
  }, 30_000);

  it('a declared Content-Length over the limit is refused before reading', async () => {
    const answer = await new Promise<number>((resolve) => {
      const req = request(
        `${env.server.url}api/validate`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(MAX_BODY_BYTES + 1) },
        },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.on('error', () => resolve(0));
      req.write('[');
    });
    expect(answer).toBe(413);
  });

  it('deep nesting is refused with the limit named, not a stack overflow', async () => {
    const body = `[${'['.repeat(10_000)}${']'.repeat(10_000)}]`;
    const answer = await rawRequest(`${env.server.url}api/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.message).toMatch(/validate: the body nests deeper than 64 levels/);
  });
});
