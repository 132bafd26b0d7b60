// The farm's pure parts: Redis URLs, routing by model set, job data checks, output names.

import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../main/cli/exit.ts';
import { farmJobData } from '../../../main/cli/farm/job-data.ts';
import { FarmKeys } from '../../../main/cli/farm/keys.ts';
import { receiveOutput, splitNumberedName } from '../../../main/cli/farm/output-receive.ts';
import { redactRedisUrl, redisOptions } from '../../../main/cli/farm/redis-url.ts';
import { holdsAll, modelSetKey } from '../../../main/cli/farm/requirements.ts';

describe('redis URL', () => {
  it('takes user, password (percent-decoded), host, port and database from the URL', () => {
    const options = redisOptions('redis://farm:p%40ss@10.0.0.5:6380/3');
    expect(options).toMatchObject({
      host: '10.0.0.5',
      port: 6380,
      username: 'farm',
      password: 'p@ss',
      db: 3,
    });
    expect(options.tls).toBeUndefined();
    expect(options.maxRetriesPerRequest).toBeNull();
  });

  it('rediss:// turns TLS on, checked against the host name; the port defaults to 6379', () => {
    const options = redisOptions('rediss://:secret@redis.example.org');
    expect(options.tls).toEqual({ servername: 'redis.example.org' });
    expect(options.port).toBe(6379);
    expect(options.password).toBe('secret');
  });

  it('refuses other schemes and a non-numeric database, without echoing the password', () => {
    expect(() => redisOptions('http://x:secret@host')).toThrow(CliError);
    expect(() => redisOptions('redis://x:secret@host/abc')).toThrow(/database number/);
    try {
      redisOptions('http://x:secret@host');
    } catch (error) {
      expect((error as Error).message).not.toContain('secret');
    }
    expect(redactRedisUrl('redis://user:secret@host:1/0')).toBe('redis://user:***@host:1/0');
  });
});

describe('routing by model set', () => {
  const shapes = { name: 'diffgraph-shapes', sha256: 'a'.repeat(64) };
  const tiny = { name: 'tiny-sd', sha256: 'b'.repeat(64) };

  it('a worker serves a set when it holds every model: by hash (any name) or, without one, by name', () => {
    expect(holdsAll([shapes, tiny], [{ name: 'other-name', sha256: tiny.sha256 }])).toBe(true);
    expect(holdsAll([shapes], [{ name: 'tiny-sd', sha256: tiny.sha256 }])).toBe(false);
    expect(holdsAll([shapes], [{ name: 'diffgraph-shapes', sha256: null }])).toBe(true);
    expect(
      holdsAll([{ name: 'tiny-sd', sha256: 'c'.repeat(64) }], [{ name: 'tiny-sd', sha256: tiny.sha256 }]),
    ).toBe(false);
    expect(holdsAll([], [])).toBe(true);
  });

  it('the set key ignores order and tells different sets apart', () => {
    const a = modelSetKey([
      { name: 'x', sha256: shapes.sha256 },
      { name: 'y', sha256: tiny.sha256 },
    ]);
    const b = modelSetKey([
      { name: 'y', sha256: tiny.sha256 },
      { name: 'x', sha256: shapes.sha256 },
    ]);
    expect(a).toBe(b);
    expect(modelSetKey([{ name: 'x', sha256: shapes.sha256 }])).not.toBe(a);
    expect(modelSetKey([{ name: 'x', sha256: null }])).not.toBe(modelSetKey([{ name: 'y', sha256: null }]));
  });

  it('farm names isolate keys and refuse characters that would break out of the prefix', () => {
    expect(new FarmKeys('team-a').worker('w1')).toBe('diffgraph:team-a:worker:w1');
    expect(new FarmKeys('team-a').prefix).not.toBe(new FarmKeys('team-b').prefix);
    expect(() => new FarmKeys('a:b')).toThrow(CliError);
    expect(() => new FarmKeys('*')).toThrow(CliError);
  });
});

describe('job data from the queue', () => {
  const valid = {
    batch: 'abc123',
    index: 1,
    file: '/graphs/g.json',
    doc: {},
    overrides: {},
    seed: 1,
    seedWidgets: { 'sampler.seed': 1 },
    repeat: 1,
    requirements: [],
    transfer: 'redis',
    timeoutMs: 0,
  };

  it('accepts a well-formed job and rejects wrong shapes', () => {
    expect(farmJobData.safeParse(valid).success).toBe(true);
    expect(farmJobData.safeParse({ ...valid, batch: '../x' }).success).toBe(false);
    expect(farmJobData.safeParse({ ...valid, transfer: '/etc' }).success).toBe(false);
    expect(farmJobData.safeParse({ ...valid, index: 0 }).success).toBe(false);
    expect(farmJobData.safeParse({ ...valid, requirements: 'all' }).success).toBe(false);
  });
});

describe('output names', () => {
  it('a numbered name gives its prefix back (the collector renumbers it in --out)', () => {
    expect(splitNumberedName('tiny_00003.png')).toEqual({ prefix: 'tiny', ext: '.png' });
    expect(splitNumberedName('my_image_123456.npy')).toEqual({ prefix: 'my_image', ext: '.npy' });
    expect(splitNumberedName('latent.npy')).toEqual({ prefix: 'latent', ext: '.npy' });
    expect(splitNumberedName('noext')).toEqual({ prefix: 'noext', ext: '' });
  });
});

describe('output paths from a worker are confined', () => {
  it('a shared-folder path that leaves the share is refused before anything is read', async () => {
    const output = {
      kind: 'image' as const,
      name: 'x_00001.png',
      bytes: 4,
      source: { kind: 'shared' as const, path: '../../etc/passwd' },
    };
    await expect(receiveOutput({} as Redis, output, '/tmp/out', '/srv/share')).rejects.toThrow(
      /leaves its folder/,
    );
  });
});
