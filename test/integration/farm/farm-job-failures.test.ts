// Jobs that must fail for good, end to end on a real Redis with a real worker: a run past
// --job-timeout (tried --attempts times, then failed with the reason), and jobs put on the queue by
// something other than Diffgraph's submitter (malformed data, an invalid graph), refused at once.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveBatch } from '../../../main/cli/farm/batch-record.ts';
import { FarmKeys } from '../../../main/cli/farm/keys.ts';
import { modelSetKey } from '../../../main/cli/farm/requirements.ts';
import { BUNDLED_GRAPHS_DIR } from '../../../main/paths.ts';
import { readManifest, runCli, tempDir } from '../cli/harness.ts';
import { freePort, RedisServer, startWorker, stopWorker, type WorkerProcess } from './farm-harness.ts';

const DEFAULT_GRAPH = join(BUNDLED_GRAPHS_DIR, 'default.json');

let temp: Awaited<ReturnType<typeof tempDir>>;
let redis: RedisServer;
let worker: WorkerProcess;

beforeAll(async () => {
  temp = await tempDir('farm-failures');
  redis = new RedisServer(await freePort(), join(temp.dir, 'redis'));
  await redis.start();
  worker = startWorker('wf', redis.url, ['--models', join(temp.dir, 'empty')]);
  await worker.waitFor('ready');
}, 60_000);

afterAll(async () => {
  if (worker) await stopWorker(worker);
  await redis?.stop();
  await temp?.remove();
}, 60_000);

function startsOf(jobId: string): number {
  return worker
    .log()
    .split('\n')
    .filter((line) => line.includes(`job ${jobId}: started`)).length;
}

async function waitUntilFailed(queue: Queue, jobId: string): Promise<Job> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if ((await queue.getJobState(jobId)) === 'failed') {
      const job = await queue.getJob(jobId); // read once failed: earlier reads lack the attempt count
      if (job) return job;
    }
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not fail: ${worker.log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('farm jobs that fail for good (real redis-server)', { timeout: 90_000 }, () => {
  it('jobs put on the queue directly: malformed data and an invalid graph are refused once each, and `farm collect` records why', async () => {
    const keys = new FarmKeys('default');
    const connection = { host: '127.0.0.1', port: redis.port };
    const client = new Redis(connection);
    const setKey = modelSetKey([]); // needs no model: every worker serves it
    const queue = new Queue(keys.queueName(setKey), { connection, prefix: keys.prefix });
    try {
      await client.hset(keys.modelSets, setKey, '[]');
      const doc = JSON.parse(await readFile(DEFAULT_GRAPH, 'utf8'));
      doc.nodes.shell = { ...doc.nodes.save, type: 'RunShellCommand' };
      const batch = 'rogue01';
      const invalidGraph = {
        ...{ batch, index: 1, file: 'rogue.json', doc, overrides: {}, seed: null, seedWidgets: {} },
        ...{ repeat: 1, requirements: [], transfer: 'redis', timeoutMs: 0 },
      };
      const malformed = { batch, index: 2, doc: 'rm -rf /', transfer: 'carrier-pigeon' };
      const ids = [`${batch}-1`, `${batch}-2`];
      const out = join(temp.dir, 'out-rogue');
      await saveBatch(client, keys, {
        ...{ id: batch, farm: 'default', out, transfer: 'redis', createdAt: new Date().toISOString() },
        ...{ submitter: 'test', total: 2 },
        jobs: ids.map((jobId, at) => ({ jobId, queue: keys.queueName(setKey), index: at + 1 })),
      });
      const opts = { attempts: 3, removeOnComplete: false, removeOnFail: false };
      await queue.addBulk([
        { name: 'run', data: invalidGraph, opts: { ...opts, jobId: ids[0] } },
        { name: 'run', data: malformed, opts: { ...opts, jobId: ids[1] } },
      ]);
      const failed = [await waitUntilFailed(queue, ids[0]), await waitUntilFailed(queue, ids[1])];
      // Not retried: one attempt each, though three were allowed.
      expect(failed.map((job) => job.attemptsMade)).toEqual([1, 1]);
      expect(ids.map(startsOf)).toEqual([1, 1]);

      const collected = await runCli(['farm', 'collect', batch, '--redis', redis.url]);
      expect(collected.code, collected.stderr).toBe(1);
      const runs = (await readManifest(out)).runs;
      expect(runs.map((run) => [run.runId, run.status])).toEqual([
        [ids[0], 'failed'],
        [ids[1], 'failed'],
      ]);
      expect(runs[0].error?.message).toMatch(/^rogue\.json: invalid graph: shell.*RunShellCommand/);
      expect(runs[1].error?.message).toMatch(
        /^job rogue01-2 is not a Diffgraph farm job \(refused by worker wf\):[\s\S]*transfer/,
      );
    } finally {
      await queue.close();
      client.disconnect();
    }
  });

  it('--job-timeout: a run longer than the limit is cancelled, tried --attempts times, then fails with the reason', async () => {
    const out = join(temp.dir, 'out-timeout');
    // Far more work than 1.5 s allows even with the model loaded (300 steps of one image take about
    // that): an attempt must not be able to finish just past its limit and fill the result cache.
    const big = ['--set', 'schedule.steps=1000', '--set', 'latent.batch=32'];
    const slow = [...big, '--job-timeout', '1500', '--attempts', '2'];
    const result = await runCli(['run', DEFAULT_GRAPH, ...slow, '--redis', redis.url, '--out', out]);
    expect(result.code, result.stderr).toBe(1);
    const [run] = (await readManifest(out)).runs;
    expect(run.status).toBe('failed');
    expect(run.error?.message).toBe('timed out after 1500 ms (--job-timeout) on worker wf, attempt 2 of 2');
    expect(startsOf(run.runId)).toBe(2);
  });
});
