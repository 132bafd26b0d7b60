// `diffgraph serve`: prints where it listens (and the token for a non-loopback host), answers
// the API, and stops cleanly on Ctrl-C.
import { describe, expect, it } from 'vitest';
import { type CliResult, runCli, startCli } from './harness.ts';

/** Start `serve`, wait for its banner, hand back what it printed; stops it with SIGINT afterwards. */
async function withServer(args: string[], use: (stdout: string) => Promise<void>): Promise<CliResult> {
  const { child, done } = startCli(['serve', '--port', '0', ...args]);
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('Diffgraph is serving') && (!args.includes('--host') || stdout.includes('token')))
        resolve();
    });
    child.on('exit', () => reject(new Error(`serve exited early:\n${stdout}`)));
  });
  try {
    await use(stdout);
  } finally {
    child.kill('SIGINT');
  }
  return done;
}

function catalogue(url: string, token?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(new URL('api/catalogue', url), { method: 'POST', headers, body: '[]' });
}

describe('diffgraph serve', () => {
  it('binds loopback by default, needs no token there, and exits 0 on Ctrl-C', async () => {
    const result = await withServer([], async (stdout) => {
      const url = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1];
      expect(url).toBeDefined();
      expect(stdout).not.toMatch(/token/i);
      const response = await catalogue(url as string);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { result: { nodes: { type: string }[] } };
      expect(body.result.nodes.map((node) => node.type)).toContain('Sampler');
    });
    expect(result.code).toBe(0);
  });

  it('prints the access token for a non-loopback host, and requests need it', async () => {
    const result = await withServer(['--host', '0.0.0.0'], async (stdout) => {
      const port = /serving http:\/\/0\.0\.0\.0:(\d+)\//.exec(stdout)?.[1];
      const token = /Access token[^:]*: (\S+)/.exec(stdout)?.[1];
      expect(port).toBeDefined();
      expect(token).toMatch(/^[\w-]{20,}$/);
      const url = `http://127.0.0.1:${port}/`;
      expect((await catalogue(url)).status).toBe(401);
      expect((await catalogue(url, 'wrong-token-wrong-token')).status).toBe(401);
      expect((await catalogue(url, token)).status).toBe(200);
    });
    expect(result.code).toBe(0);
  });

  it('`diffgraph info --server` lists the models that server holds (none before a run) and the build cache', async () => {
    const result = await withServer([], async (stdout) => {
      const url = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1] as string;
      const info = await runCli(['info', '--server', url, '--json']);
      expect(info.code).toBe(0);
      const models = JSON.parse(info.stdout).models as {
        loaded: unknown[];
        cached: unknown[];
        cacheFolder: string;
      };
      expect(models.loaded).toEqual([]);
      expect(Array.isArray(models.cached)).toBe(true);
      expect(models.cacheFolder).toMatch(/\.diffgraph-cache[\\/]builds$/);
      const text = await runCli(['info', '--server', url]);
      expect(text.stdout).toMatch(/^loaded in the server: 0 \(0\.0 MiB\)$/m);
    });
    expect(result.code).toBe(0);
  });
});
