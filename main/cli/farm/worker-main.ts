// The body of `diffgraph worker`: start the engine and the farm connection, run until a signal.
import { mkdir, mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { modelSearchPath, resolveCliPaths } from '../util/paths.ts';
import { checkFarmName } from './keys.ts';
import type { WorkerCommandOptions } from './options.ts';
import { DEFAULT_SEND_LIMITS } from './output-send.ts';
import { redactRedisUrl, redisOptions, redisUrlFrom } from './redis-url.ts';
import { checkRedis } from './session.ts';
import { FarmWorker } from './worker.ts';

export async function runWorker(options: WorkerCommandOptions): Promise<void> {
  const url = redisUrlFrom(options.redis);
  const farm = checkFarmName(options.queue);
  const name = options.name ?? `${hostname()}-${process.pid}`;
  checkFarmName(name);
  const connection = redisOptions(url);
  await checkRedis(url, connection);
  if (options.threads) process.env.DIFFGRAPH_INTRA_OP_THREADS = String(options.threads);
  const sharedRoot = options.sharedOut ? resolve(options.sharedOut) : null;
  // The engine writes into a private folder; files then travel through Redis or stay on the share.
  const output = sharedRoot
    ? join(sharedRoot, '.farm-staging', name)
    : await mkdtemp(join(tmpdir(), `diffgraph-worker-${name}-`));
  await mkdir(output, { recursive: true });
  const paths = { ...resolveCliPaths(options), output };
  const log = (line: string) => process.stderr.write(`[${name}] ${line}\n`);
  const worker = await FarmWorker.start({
    redis: connection,
    farm,
    name,
    concurrency: options.concurrency,
    engine: { paths, device: options.device, modelSearchPath: modelSearchPath(paths) },
    sharedRoot,
    timings: {
      heartbeatMs: options.heartbeatMs,
      lockMs: options.lockMs,
      stalledMs: options.stalledMs,
      attachMs: Math.min(2000, options.heartbeatMs),
    },
    limits: DEFAULT_SEND_LIMITS,
    log,
  });
  log(
    `joined farm "${farm}" on ${redactRedisUrl(url)} (device ${worker.device}, ${worker.modelCount} model(s)); ready`,
  );
  await untilSignal();
  log('leaving the farm (finishing jobs in hand)…');
  await worker.close();
}

function untilSignal(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
