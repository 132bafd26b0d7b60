// What a submitter or collector holds while it talks to a farm: the URL's connection options, one
// command connection, and the farm's key names.
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { CliError } from '../exit.ts';
import { errorMessage } from '../util/problems.ts';
import { FarmKeys } from './keys.ts';
import { redactRedisUrl, redisOptions, redisUrlFrom } from './redis-url.ts';

export interface FarmSession {
  url: string;
  connection: RedisOptions;
  redis: Redis;
  keys: FarmKeys;
  close(): Promise<void>;
}

export async function openFarm(redisOption: string | undefined, farm: string): Promise<FarmSession> {
  const url = redisUrlFrom(redisOption);
  const connection = redisOptions(url);
  const keys = new FarmKeys(farm);
  // Fail fast with a clear message when Redis is not there at all (later drops are waited out).
  const redis = new Redis({ ...connection, lazyConnect: true, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new CliError([`--redis ${redactRedisUrl(url)}: cannot reach Redis: ${errorMessage(error)}`], 1);
  }
  redis.disconnect();
  const live = new Redis(connection);
  // ioredis reconnects by itself (Redis restarted, network dropped); commands wait meanwhile.
  live.on('error', () => {});
  return { url, connection, redis: live, keys, close: async () => void live.disconnect() };
}
