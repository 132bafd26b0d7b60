// `npm run bench -- farm`: the render farm on this machine, with a real redis-server. The default
// graph (bundled model, 20 steps) as a seed sweep: jobs per minute with 1 and 2 workers (one
// intra-op thread each), the queue's overhead per job against a local `diffgraph run` of the same
// batch, and the bytes Redis moved per image (its own network counters).
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { APP_ROOT, BUNDLED_GRAPHS_DIR } from '../main/paths.ts';
import {
  freePort,
  RedisServer,
  startWorker,
  stopWorker,
  type WorkerProcess,
} from '../test/integration/farm/farm-harness.ts';

const JOBS = 16;
const CLI = join(APP_ROOT, 'bin', 'diffgraph.mjs');
const GRAPH = join(BUNDLED_GRAPHS_DIR, 'default.json');

interface Manifest {
  runs: { timings: { totalMs: number }; outputs: { path: string }[] }[];
}

/** Runs the CLI; returns the batch time from its summary line ("N run(s): ... in X.XXs"). */
function batch(args: string[], env: Record<string, string> = {}): number {
  const result = spawnSync(process.execPath, [CLI, 'run', GRAPH, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) throw new Error(`diffgraph run failed (${result.status}):\n${result.stderr}`);
  const seconds = /run\(s\): .* in ([\d.]+)s/.exec(result.stdout)?.[1];
  if (!seconds) throw new Error(`no summary line in:\n${result.stdout}`);
  return Number(seconds) * 1000;
}

async function netBytes(redis: Redis): Promise<number> {
  const info = await redis.info('stats');
  const value = (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1] ?? 0);
  return value('total_net_input_bytes') + value('total_net_output_bytes');
}

async function main(): Promise<void> {
  await mkdir(join(APP_ROOT, 'bench-output'), { recursive: true });
  const dir = await mkdtemp(join(APP_ROOT, 'bench-output', 'farm-'));
  const server = new RedisServer(await freePort(), join(dir, 'redis'));
  await server.start();
  const redis = new Redis(server.url);
  const workers: WorkerProcess[] = [];
  const seeds = ['--seeds', `1-${JOBS}`];
  try {
    // Local: one engine, one intra-op thread; steady state = runs after the first (models loaded).
    const localOut = join(dir, 'local');
    batch([...seeds, '--device', 'cpu', '--out', localOut], { DIFFGRAPH_INTRA_OP_THREADS: '1' });
    const local = JSON.parse(await readFile(join(localOut, 'manifest.json'), 'utf8')) as Manifest;
    const steady = local.runs.slice(1).map((run) => run.timings.totalMs);
    const localPerJob = steady.reduce((a, b) => a + b, 0) / steady.length;

    const results: { workers: number; ms: number; bytes: number }[] = [];
    for (const count of [1, 2]) {
      while (workers.length < count) {
        const worker = startWorker(`bench-${workers.length + 1}`, server.url);
        workers.push(worker);
        await worker.waitFor('ready');
      }
      // Warm-up batch: every worker loads the model before the timed batch.
      batch(['--seeds', `1-${2 * count}`, '--redis', server.url, '--out', join(dir, `warm-${count}`)]);
      const before = await netBytes(redis);
      const ms = batch([...seeds, '--redis', server.url, '--out', join(dir, `farm-${count}`)]);
      results.push({ workers: count, ms, bytes: (await netBytes(redis)) - before });
    }
    const farmOut = JSON.parse(await readFile(join(dir, 'farm-1', 'manifest.json'), 'utf8')) as Manifest;
    const pngBytes = await Promise.all(
      farmOut.runs.map(async (run) => (await readFile(join(dir, 'farm-1', run.outputs[0].path))).length),
    );
    const avgPng = pngBytes.reduce((a, b) => a + b, 0) / pngBytes.length;
    console.log(`graph: ${GRAPH} (${JOBS} seeds, CPU, 1 intra-op thread per engine)`);
    console.log(`local diffgraph run:  ${localPerJob.toFixed(1)} ms per job (steady state)`);
    for (const r of results) {
      const perMinute = (JOBS * 60_000) / r.ms;
      console.log(
        `farm, ${r.workers} worker(s): ${perMinute.toFixed(1)} jobs/min (${(r.ms / JOBS).toFixed(1)} ms per job)`,
      );
    }
    const overhead = results[0].ms / JOBS - localPerJob;
    console.log(`queue overhead per job (1 worker vs local): ${overhead.toFixed(1)} ms`);
    console.log(`speed-up 2 workers / 1 worker: ${(results[0].ms / results[1].ms).toFixed(2)}x`);
    console.log(
      `bytes through Redis per image (its network in + out): ${(results[0].bytes / JOBS / 1024).toFixed(1)} KiB; ` +
        `the PNG (${(avgPng / 1024).toFixed(1)} KiB) crosses twice, the rest is job data, progress and BullMQ's scripts`,
    );
  } finally {
    await Promise.all(workers.map(stopWorker));
    redis.disconnect();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
