// --redis URL -> ioredis connection options. redis://[user:password@]host[:port][/db] and rediss://
// (TLS, certificate checked against the host name; $DIFFGRAPH_REDIS_CA names a PEM file of CA
// certificates to trust besides the system's, for a farm's own CA). BullMQ needs maxRetriesPerRequest
// null: commands wait through a reconnect (Redis restarted, network dropped) instead of failing.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { type ConnectionOptions, rootCertificates } from 'node:tls';
import type { RedisOptions } from 'bullmq';
import { CliError } from '../exit.ts';
import { errorMessage } from '../util/problems.ts';

export function redisOptions(url: string, env: NodeJS.ProcessEnv = process.env): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError([
      `--redis ${redactRedisUrl(url)}: not a URL (expected redis://host:port or rediss://…)`,
    ]);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new CliError([`--redis ${redactRedisUrl(url)}: expected a redis:// or rediss:// URL`]);
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new CliError([`--redis ${redactRedisUrl(url)}: the path must be a database number, got "${db}"`]);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: db === '' ? 0 : Number(db),
    tls: parsed.protocol === 'rediss:' ? tlsOptions(host, env.DIFFGRAPH_REDIS_CA) : undefined,
    maxRetriesPerRequest: null,
    // Reconnect forever, backing off to 2 s: a farm outlives Redis restarts and network drops.
    retryStrategy: (times) => Math.min(100 * times, 2000),
  };
}

function tlsOptions(host: string, caFile: string | undefined): ConnectionOptions {
  // SNI takes host names only; an IP address is checked against the certificate's IP entries.
  const options: ConnectionOptions = isIP(host) === 0 ? { servername: host } : {};
  if (!caFile) return options;
  try {
    // `ca` replaces Node's bundled CAs: keep them, so a public certificate still verifies.
    return { ...options, ca: [...rootCertificates, readFileSync(caFile, 'utf8')] };
  } catch (error) {
    throw new CliError([`DIFFGRAPH_REDIS_CA ${caFile}: cannot read the CA file: ${errorMessage(error)}`]);
  }
}

/** The URL with its password replaced, for messages and `farm status`. */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** `--redis` beats $DIFFGRAPH_REDIS beats the local default. */
export function redisUrlFrom(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return option ?? env.DIFFGRAPH_REDIS ?? 'redis://127.0.0.1:6379';
}
