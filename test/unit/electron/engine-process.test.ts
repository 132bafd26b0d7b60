// The engine's utility-process entry (engine-process.cjs -> engine-host.ts -> EngineClient),
// started as a plain Node child with a parentPort stand-in, driven through EngineBridgeClient.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineBridgeClient, type FromEngine } from '../../../main/electron/engine-bridge.ts';
import { engineOptionsArg } from '../../../main/electron/engine-options.ts';
import type { EngineEvent } from '../../../main/engine/events.ts';
import { BUNDLED_MODELS_DIR } from '../../../main/paths.ts';

const ENTRY = fileURLToPath(new URL('../../../main/electron/engine-process.cjs', import.meta.url));
const SHIM = fileURLToPath(new URL('./fixtures/parent-port-shim.cjs', import.meta.url));

let base: string;
let child: ChildProcess;
let client: EngineBridgeClient;
let exitCode: Promise<number | null>;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'diffgraph-utility-'));
  const paths = { models: join(base, 'models'), input: join(base, 'input'), output: join(base, 'output') };
  child = fork(ENTRY, [engineOptionsArg({ paths, device: 'cpu', modelSearchPath: [BUNDLED_MODELS_DIR] })], {
    execArgv: ['--require', SHIM],
    serialization: 'advanced',
    stdio: 'inherit',
  });
  exitCode = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  client = new EngineBridgeClient({
    postMessage: (message) => child.send(message),
    onMessage: (listener) => child.on('message', (message) => listener(message as FromEngine)),
    onExit: (listener) => child.on('exit', (code) => listener(code ?? -1)),
    kill: () => child.kill(),
  });
  await client.ready;
});
afterAll(async () => {
  if (child.exitCode === null) child.kill();
  await rm(base, { recursive: true, force: true });
});

describe('engine utility process', () => {
  it('serves the catalogue and validation of the real engine', async () => {
    expect((await client.catalogue()).map((n) => n.type)).toEqual(
      expect.arrayContaining(['LoadPipeline', 'Sampler', 'SaveImage']),
    );
    const graph = {
      format: 'diffgraph',
      version: 1,
      nodes: { x: { type: 'Nope', widgets: {}, position: [0, 0] } },
      edges: [],
    };
    expect(await client.validate(graph)).toContainEqual(
      expect.objectContaining({ nodeId: 'x', code: 'unknown-node-type' }),
    );
  });

  it('streams the events of a run back under the run id it was given', async () => {
    const graph = {
      format: 'diffgraph',
      version: 1,
      nodes: { x: { type: 'Nope', widgets: {}, position: [0, 0] } },
      edges: [],
    };
    const events: EngineEvent[] = [];
    const result = await client.run(graph, (e) => events.push(e), { runId: 'utility-run' });
    expect(result).toMatchObject({ runId: 'utility-run', status: 'failed' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'run-failed', runId: 'utility-run' }));
  });

  it('exits cleanly when closed', async () => {
    await client.close();
    expect(await exitCode).toBe(0);
  });
});
