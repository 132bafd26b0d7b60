// Enqueue a planned batch: one BullMQ job per run, in the queue of its model set. Jobs whose
// models no live worker holds are not enqueued; they come back as failed runs with the reason.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { RedisOptions } from 'bullmq';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { NodeRegistry } from '../../engine/registry.ts';
import type { Job } from '../run/jobs.ts';
import { liveWorkers, type WorkerAdvert } from './advert.ts';
import { type BatchRecord, saveBatch } from './batch-record.ts';
import type { FarmJobData } from './job-data.ts';
import type { FarmKeys } from './keys.ts';
import {
  describeRequirements,
  holdsAll,
  jobRequirements,
  type ModelRequirement,
  modelSetKey,
} from './requirements.ts';

export interface SubmitOptions {
  redis: Redis;
  connection: RedisOptions;
  keys: FarmKeys;
  registry: NodeRegistry;
  /** Model folders on the submitter (to learn the content hashes of the models named). */
  roots: readonly string[];
  out: string;
  transfer: 'redis' | 'shared';
  timeoutMs: number;
  /** Tries per job (a worker dying or timing out uses one). */
  attempts: number;
}

export interface Unroutable {
  job: Job;
  reason: string;
}

export async function submitBatch(
  jobs: readonly Job[],
  options: SubmitOptions,
): Promise<{ record: BatchRecord; unroutable: Unroutable[] }> {
  const { keys, redis } = options;
  const record: BatchRecord = {
    id: randomBytes(5).toString('hex'),
    farm: keys.farm,
    out: options.out,
    transfer: options.transfer,
    createdAt: new Date().toISOString(),
    submitter: `${hostname()} pid ${process.pid}`,
    total: jobs.length,
    jobs: [],
  };
  const workers = await liveWorkers(redis, keys);
  const unroutable: Unroutable[] = [];
  const byQueue = new Map<string, { job: Job; data: FarmJobData }[]>();
  const requirementsCache = new Map<string, ModelRequirement[]>();
  for (const job of jobs) {
    const cacheKey = JSON.stringify([job.doc.nodes, job.doc.models ?? null]);
    let requirements = requirementsCache.get(cacheKey);
    if (!requirements) {
      requirements = await jobRequirements(job.doc, options.registry, options.roots);
      requirementsCache.set(cacheKey, requirements);
    }
    const reason = unservedReason(requirements, workers, keys.farm);
    if (reason) {
      unroutable.push({ job, reason });
      continue;
    }
    const setKey = modelSetKey(requirements);
    await redis.hset(keys.modelSets, setKey, JSON.stringify(requirements));
    const queue = keys.queueName(setKey);
    const list = byQueue.get(queue) ?? [];
    list.push({ job, data: jobData(job, record.id, requirements, options) });
    byQueue.set(queue, list);
  }
  for (const [queue, list] of byQueue) {
    for (const { job } of list)
      record.jobs.push({ jobId: jobId(record.id, job.index), queue, index: job.index });
  }
  record.jobs.sort((a, b) => a.index - b.index);
  // The record first: a submitter killed while adding jobs still leaves a batch `farm collect` knows.
  await saveBatch(redis, keys, record);
  for (const [name, list] of byQueue) await enqueue(name, list, record.id, options);
  return { record, unroutable };
}

export function jobId(batch: string, index: number): string {
  return `${batch}-${index}`;
}

/** Why no live worker can run a job needing `requirements` (null when one can). */
export function unservedReason(
  requirements: readonly ModelRequirement[],
  workers: readonly WorkerAdvert[],
  farm: string,
): string | null {
  if (workers.some((worker) => holdsAll(worker.models, requirements))) return null;
  const live =
    workers.length === 0 ? 'no live workers' : `live workers: ${workers.map((w) => w.name).join(', ')}`;
  return `no live worker in farm "${farm}" has the model(s) this run needs: ${describeRequirements(requirements)} (${live})`;
}

function jobData(
  job: Job,
  batch: string,
  requirements: ModelRequirement[],
  options: SubmitOptions,
): FarmJobData {
  return {
    batch,
    index: job.index,
    file: resolve(job.file),
    doc: job.doc,
    overrides: job.overrides,
    seed: job.seed,
    seedWidgets: job.seedWidgets,
    repeat: job.repeat,
    requirements,
    transfer: options.transfer,
    timeoutMs: options.timeoutMs,
  };
}

async function enqueue(
  name: string,
  list: { job: Job; data: FarmJobData }[],
  batch: string,
  options: SubmitOptions,
): Promise<void> {
  const queue = new Queue(name, { connection: options.connection, prefix: options.keys.prefix });
  try {
    await queue.addBulk(
      list.map(({ job, data }) => ({
        name: 'run',
        data,
        opts: {
          jobId: jobId(batch, job.index),
          attempts: options.attempts,
          backoff: { type: 'fixed', delay: 200 },
          // The collector removes a job once its outputs are safely in --out.
          removeOnComplete: false,
          removeOnFail: false,
        },
      })),
    );
  } finally {
    await queue.close();
  }
}
