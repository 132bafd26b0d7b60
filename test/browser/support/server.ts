// A real `diffgraph serve` (startServer) for browser tests, with its own temporary home folders.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineLike } from '../../../main/engine/transport/engine-calls.ts';
import { createHttpHostApi } from '../../../main/host/shared/http-client.ts';
import type { DiffgraphPaths } from '../../../main/paths.ts';
import { startServer } from '../../../main/server/server.ts';
import { ensureEditorBuilt } from './build.ts';

export interface EditorServer {
  url: string;
  paths: DiffgraphPaths;
  /** Cancel every queued and running run (the waiting ones first), so a test that failed while
   * runs were queued does not leave the next test waiting behind them. */
  cancelAllRuns(): Promise<void>;
  close(): Promise<void>;
}

export async function startEditorServer(
  options: { engine?: EngineLike; templatesDir?: string; staticDir?: string } = {},
): Promise<EditorServer> {
  // staticDir: another editor build to serve (the editor bench compares against a baseline).
  const staticDir = options.staticDir ?? (await ensureEditorBuilt());
  const home = await mkdtemp(join(tmpdir(), 'diffgraph-browser-'));
  const paths = {
    models: join(home, 'models'),
    input: join(home, 'input'),
    output: join(home, 'output'),
    graphs: join(home, 'graphs'),
  };
  await Promise.all(Object.values(paths).map((p) => mkdir(p, { recursive: true })));
  const server = await startServer({
    port: 0,
    paths,
    staticDir,
    engine: options.engine,
    templatesDir: options.templatesDir,
    settingsDir: home,
  });
  return {
    url: server.url,
    paths,
    cancelAllRuns: async () => {
      const host = createHttpHostApi({ baseUrl: server.url });
      try {
        const { items } = await host.queueState();
        for (const item of [...items].reverse()) await host.cancel(item.runId);
      } finally {
        host.close();
      }
    },
    close: async () => {
      await server.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}
