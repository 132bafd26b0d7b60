// Worker side of output transfer: each file a run wrote goes to Redis in chunks (so no single
// Redis value is large, and the size per file is bounded), or stays in the shared folder. Keys
// carry the job id and attempt, and expire: a slow or absent submitter never blocks a worker.
import { readFile, stat, unlink } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import type { Redis } from 'ioredis';
import type { OutputFileInfo } from '../../engine/events.ts';
import type { FarmOutput } from './job-data.ts';
import type { FarmKeys } from './keys.ts';

export interface SendLimits {
  /** Largest single output file sent through Redis (bigger ones fail the job: use --shared-out). */
  maxFileBytes: number;
  chunkBytes: number;
  /** How long outputs wait in Redis for a collector. */
  ttlMs: number;
}

export const DEFAULT_SEND_LIMITS: SendLimits = {
  maxFileBytes: 64 * 1024 * 1024,
  chunkBytes: 1024 * 1024,
  ttlMs: 7 * 24 * 3600 * 1000,
};

export interface SendTarget {
  redis: Redis;
  keys: FarmKeys;
  jobId: string;
  /** Attempt number plus a random tag: unique per processing of the job. */
  attempt: string;
  /** The engine's output folder on this worker (file names are sent relative to it). */
  outputRoot: string;
  /** The shared folder when this job's outputs stay there (the engine writes inside it). */
  sharedRoot: string | null;
  limits: SendLimits;
}

export async function sendOutputs(
  files: readonly OutputFileInfo[],
  target: SendTarget,
): Promise<FarmOutput[]> {
  const sent: FarmOutput[] = [];
  for (const [index, file] of files.entries()) {
    const name = relative(target.outputRoot, file.path).split(sep).join('/');
    const base = { kind: file.kind, name, ...(file.meta ? { meta: file.meta } : {}) };
    if (target.sharedRoot) {
      const { size } = await stat(file.path);
      const path = relative(target.sharedRoot, file.path).split(sep).join('/');
      sent.push({ ...base, bytes: size, source: { kind: 'shared', path } });
      continue;
    }
    const data = await readFile(file.path);
    if (data.length > target.limits.maxFileBytes) {
      throw new Error(
        `output ${name} is ${data.length} bytes, over the ${target.limits.maxFileBytes}-byte limit for ` +
          'sending through Redis; run the farm with --shared-out',
      );
    }
    const key = target.keys.output(target.jobId, target.attempt, index);
    const chunks = await pushChunks(target.redis, key, data, target.limits);
    await unlink(file.path).catch(() => {});
    sent.push({ ...base, bytes: data.length, source: { kind: 'redis', key, chunks } });
  }
  return sent;
}

async function pushChunks(redis: Redis, key: string, data: Buffer, limits: SendLimits): Promise<number> {
  const multi = redis.multi().del(key);
  let chunks = 0;
  for (let at = 0; at < data.length || chunks === 0; at += limits.chunkBytes) {
    multi.rpush(key, data.subarray(at, at + limits.chunkBytes));
    chunks += 1;
  }
  multi.pexpire(key, limits.ttlMs);
  await multi.exec();
  return chunks;
}
