// A batch as Redis remembers it, so `diffgraph farm collect` can finish what a stopped submitter
// started, and `farm status` can list batches.
import type { Redis } from 'ioredis';
import type { FarmKeys } from './keys.ts';

export interface BatchRecord {
  id: string;
  farm: string;
  /** The submitter's output folder (absolute, on the submitter's machine). */
  out: string;
  transfer: 'redis' | 'shared';
  createdAt: string;
  submitter: string;
  total: number;
  /** Every enqueued job and the queue (model set) it waits in. */
  jobs: { jobId: string; queue: string; index: number }[];
}

/** Batches are forgotten a week after submission (their output keys expire then too). */
const BATCH_TTL_S = 7 * 24 * 3600;

export async function saveBatch(redis: Redis, keys: FarmKeys, record: BatchRecord): Promise<void> {
  await redis
    .multi()
    .set(keys.batch(record.id), JSON.stringify(record), 'EX', BATCH_TTL_S)
    .zadd(keys.batches, Date.now(), record.id)
    .exec();
}

export async function loadBatch(redis: Redis, keys: FarmKeys, id: string): Promise<BatchRecord | null> {
  const text = await redis.get(keys.batch(id));
  return text ? (JSON.parse(text) as BatchRecord) : null;
}

/** The newest batches first (ids whose record expired are dropped from the index). */
export async function recentBatches(redis: Redis, keys: FarmKeys, limit = 20): Promise<BatchRecord[]> {
  const ids = await redis.zrevrange(keys.batches, 0, limit - 1);
  const records: BatchRecord[] = [];
  for (const id of ids) {
    const record = await loadBatch(redis, keys, id);
    if (record) records.push(record);
    else await redis.zrem(keys.batches, id);
  }
  return records;
}
