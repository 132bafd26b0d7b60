// What a submitter or collector holds while it talks to a farm: the URL's connection options, one
// command connection, and the farm's key names.
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { CliError, EXIT } from '../exit.ts';
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
  await checkRedis(url, connection);
  const live = new Redis(connection);
  // ioredis reconnects by itself (Redis restarted, network dropped); commands wait meanwhile.
  live.on('error', () => {});
  return { url, connection, redis: live, keys, close: async () => void live.disconnect() };
}

/**
 * Connect once without retrying, so a farm that is not there, a wrong password or an untrusted
 * certificate fails at once with its reason (later drops are waited out by the live connections).
 */
export async function checkRedis(url: string, connection: RedisOptions): Promise<void> {
  const probe = new Redis({ ...connection, lazyConnect: true, retryStrategy: () => null });
  // ioredis rejects with "Connection is closed"; the reason comes first as an 'error' event.
  let reason: unknown = null;
  probe.on('error', (error) => {
    reason ??= error;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw redisProblem(url, reason ?? error);
  } finally {
    probe.disconnect();
  }
}

function redisProblem(url: string, error: unknown): CliError {
  const where = `--redis ${redactRedisUrl(url)}`;
  const message = errorMessage(error);
  // Settings to fix, not outages to wait out: bad input.
  if (/^WRONGPASS/.test(message)) {
    return new CliError([`${where}: Redis refused the user name or password in the URL (${message})`]);
  }
  if (/^NOAUTH/.test(message)) {
    return new CliError([`${where}: Redis needs a password: redis://:PASSWORD@host:port (${message})`]);
  }
  if (/certificate|self.signed|SSL|TLS/i.test(message)) {
    return new CliError([
      `${where}: TLS: ${message} (trust the farm's CA with DIFFGRAPH_REDIS_CA=ca.pem; the certificate must name the host)`,
    ]);
  }
  return new CliError([`${where}: cannot reach Redis: ${message}`], EXIT.failed);
}
