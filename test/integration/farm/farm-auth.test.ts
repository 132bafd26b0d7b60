// The farm over a Redis that wants a password, and over TLS (rediss://) with the farm's own CA:
// one real redis-server serving both a plain and a TLS port, real worker and submitter processes.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_GRAPHS_DIR } from '../../../main/paths.ts';
import { readManifest, runCli, tempDir } from '../cli/harness.ts';
import {
  freePort,
  makeTestCa,
  RedisServer,
  startWorker,
  stopWorker,
  type TestCa,
  type WorkerProcess,
} from './farm-harness.ts';

const DEFAULT_GRAPH = join(BUNDLED_GRAPHS_DIR, 'default.json');
const QUICK = ['--set', 'schedule.steps=2'];
const PASSWORD = 'farm-s3cret';

let temp: Awaited<ReturnType<typeof tempDir>>;
let redis: RedisServer;
let plainUrl: string;
let tlsUrl: string;
let ca: TestCa;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  temp = await tempDir('farm-auth');
  ca = makeTestCa(temp.dir);
  const tlsPort = await freePort();
  const tls = ['--tls-port', String(tlsPort), '--tls-cert-file', ca.certFile, '--tls-key-file', ca.keyFile];
  const trust = ['--tls-ca-cert-file', ca.caFile, '--tls-auth-clients', 'no'];
  const extra = ['--requirepass', PASSWORD, ...tls, ...trust];
  redis = new RedisServer(await freePort(), join(temp.dir, 'redis'), extra);
  await redis.start();
  plainUrl = `redis://:${PASSWORD}@127.0.0.1:${redis.port}`;
  tlsUrl = `rediss://:${PASSWORD}@127.0.0.1:${tlsPort}`;
  // The TLS worker serves its own farm name, so only it can run the TLS batch.
  await Promise.all([
    addWorker('pw', plainUrl),
    addWorker('tls', tlsUrl, ['--queue', 'tls'], { DIFFGRAPH_REDIS_CA: ca.caFile }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map(stopWorker));
  await redis?.stop();
  await temp?.remove();
}, 60_000);

async function addWorker(name: string, url: string, extra: string[] = [], env: Record<string, string> = {}) {
  const worker = startWorker(name, url, ['--models', join(temp.dir, 'empty'), ...extra], env);
  workers.push(worker);
  await worker.waitFor('ready');
  return worker;
}

function runBatch(url: string, out: string, extra: string[] = [], env: Record<string, string> = {}) {
  const args = ['run', DEFAULT_GRAPH, ...QUICK, '--seeds', '1-2', '--redis', url, '--out', out, ...extra];
  return runCli(args, { env });
}

describe('render farm with a password and TLS (real redis-server)', {
  timeout: 90_000,
  concurrent: true,
}, () => {
  it('redis://:password@: a worker and a submitter run a batch; the password is never printed', async () => {
    const worker = workers[0];
    const out = join(temp.dir, 'out-password');
    const result = await runBatch(plainUrl, out);
    expect(result.code, result.stderr).toBe(0);
    const manifest = await readManifest(out);
    expect(manifest.runs.map((run) => [run.status, (run as { worker?: string }).worker])).toEqual([
      ['done', 'pw'],
      ['done', 'pw'],
    ]);
    expect(worker.log()).toContain(`redis://:***@127.0.0.1:${redis.port}`);
    for (const text of [worker.log(), result.stdout, result.stderr]) expect(text).not.toContain(PASSWORD);
  });

  it('a wrong or missing password: submitter, worker and status stop at once with exit 2, naming the problem', async () => {
    const wrongUrl = `redis://:not-the-pass@127.0.0.1:${redis.port}`;
    const [submitter, worker, missing] = await Promise.all([
      runBatch(wrongUrl, join(temp.dir, 'out-wrong')),
      runCli(['worker', '--redis', wrongUrl, '--name', 'intruder', '--device', 'cpu']),
      runCli(['farm', 'status', '--redis', `redis://127.0.0.1:${redis.port}`]),
    ]);
    for (const result of [submitter, worker]) {
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(
        `--redis redis://:***@127.0.0.1:${redis.port}: Redis refused the user name or password in the URL`,
      );
      expect(result.stderr).not.toContain('not-the-pass');
    }
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toContain('Redis needs a password: redis://:PASSWORD@host:port');
  });

  it('rediss:// with the farm CA trusted through DIFFGRAPH_REDIS_CA: a batch runs over TLS end to end', async () => {
    const worker = workers[1];
    const untrusted = await runCli(['farm', 'status', '--redis', tlsUrl], {
      env: { DIFFGRAPH_REDIS_CA: '' },
    });
    expect(untrusted.code, untrusted.stderr).toBe(2);
    expect(untrusted.stderr).toMatch(
      /rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+: TLS: self-signed certificate in certificate chain/,
    );
    expect(untrusted.stderr).toContain('DIFFGRAPH_REDIS_CA');
    const out = join(temp.dir, 'out-tls');
    const result = await runBatch(tlsUrl, out, ['--queue', 'tls'], { DIFFGRAPH_REDIS_CA: ca.caFile });
    expect(result.code, result.stderr).toBe(0);
    const manifest = await readManifest(out);
    expect(manifest.runs.map((run) => [run.status, (run as { worker?: string }).worker])).toEqual([
      ['done', 'tls'],
      ['done', 'tls'],
    ]);
    expect(worker.log()).toContain('on rediss://:***@127.0.0.1');
    expect(worker.log()).not.toContain(PASSWORD);
  });
});
