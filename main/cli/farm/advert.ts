// A worker's advertisement: a Redis key with a TTL that the worker refreshes. A worker that dies
// (SIGKILL, power loss, network gone) simply stops refreshing and drops out of the farm.
import type { Redis } from 'ioredis';
import type { FarmKeys } from './keys.ts';
import type { HeldModel } from './requirements.ts';

export interface WorkerAdvert {
  name: string;
  host: string;
  pid: number;
  device: string;
  concurrency: number;
  models: HeldModel[];
  /** Ids of the jobs it is running now. */
  running: string[];
  startedAt: string;
}

export async function publishAdvert(
  redis: Redis,
  keys: FarmKeys,
  advert: WorkerAdvert,
  ttlMs: number,
): Promise<void> {
  await redis.set(keys.worker(advert.name), JSON.stringify(advert), 'PX', ttlMs);
}

export async function removeAdvert(redis: Redis, keys: FarmKeys, name: string): Promise<void> {
  await redis.del(keys.worker(name));
}

/** Every live worker of the farm (SCAN, so a large farm does not block Redis). */
export async function liveWorkers(redis: Redis, keys: FarmKeys): Promise<WorkerAdvert[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', keys.workerPattern, 'COUNT', 200);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  if (found.length === 0) return [];
  const values = await redis.mget(...found);
  const adverts: WorkerAdvert[] = [];
  for (const value of values) {
    if (!value) continue;
    try {
      adverts.push(JSON.parse(value) as WorkerAdvert);
    } catch {
      // Not ours (or torn): ignore rather than break `farm status`.
    }
  }
  return adverts.sort((a, b) => a.name.localeCompare(b.name));
}
