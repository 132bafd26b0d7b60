// The render farm end to end with a real Redis and real `diffgraph` processes: a submitter and
// three workers. w1 and w2 also hold the tiny fixture pipeline; w3 has only the bundled model.
import { spawnSync } from 'node:child_process';
import { cp, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFarmEngine } from '../../../main/cli/farm/farm-engine.ts';
import { BUNDLED_GRAPHS_DIR } from '../../../main/paths.ts';
import { ensureFixtureModels } from '../../fixtures/models.ts';
import { GRAPHS_DIR, type ManifestJson, readManifest, runCli, startCli, tempDir } from '../cli/harness.ts';
import { freePort, RedisServer, startWorker, stopWorker, type WorkerProcess } from './farm-harness.ts';

const DEFAULT_GRAPH = join(BUNDLED_GRAPHS_DIR, 'default.json');
const TINY = join(GRAPHS_DIR, 'tiny-txt2img.json');
/** The default graph made cheap: 2 sampler steps. */
const QUICK = ['--set', 'schedule.steps=2'];

let temp: Awaited<ReturnType<typeof tempDir>>;
let redis: RedisServer;
let fixtureModels: string;
const workers = new Map<string, WorkerProcess>();
let outCount = 0;

function newOut(): string {
  outCount += 1;
  return join(temp.dir, `out-${outCount}`);
}

async function addWorker(name: string, models: string | null): Promise<WorkerProcess> {
  const worker = startWorker(
    name,
    redis.url,
    models ? ['--models', models] : ['--models', join(temp.dir, 'empty')],
  );
  workers.set(name, worker);
  await worker.waitFor('ready');
  return worker;
}

function submit(args: string[], out = newOut()) {
  const started = startCli(['run', ...args, '--redis', redis.url, '--out', out, '--models', fixtureModels]);
  return { out, ...started };
}

async function pngs(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.png')).sort();
}

/** Every run done, each output file listed once, and the folder holds exactly those files. */
async function expectExactlyOnce(out: string, runs: number): Promise<ManifestJson> {
  const manifest = await readManifest(out);
  expect(manifest.format).toBe('diffgraph-manifest');
  expect(manifest.runs).toHaveLength(runs);
  expect(new Set(manifest.runs.map((run) => run.runId)).size).toBe(runs);
  expect(manifest.runs.every((run) => run.status === 'done')).toBe(true);
  const listed = manifest.runs.flatMap((run) => run.outputs.map((output) => output.path)).sort();
  expect(listed).toEqual(await pngs(out));
  expect(listed).toHaveLength(runs);
  return manifest;
}

beforeAll(async () => {
  temp = await tempDir('farm');
  const fixtures = await ensureFixtureModels();
  // Only the tiny pipeline (hashing the whole fixture folder would slow every worker's start).
  fixtureModels = join(temp.dir, 'models-tiny');
  await cp(fixtures.pipelines.tinySd, join(fixtureModels, 'tiny-sd'), { recursive: true });
  redis = new RedisServer(await freePort(), join(temp.dir, 'redis'));
  await redis.start();
  await Promise.all([addWorker('w1', fixtureModels), addWorker('w2', fixtureModels), addWorker('w3', null)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([...workers.values()].map(stopWorker));
  await redis?.stop();
  await temp?.remove();
}, 60_000);

describe('render farm (BullMQ on a real Redis)', { timeout: 90_000 }, () => {
  it('a 30-job seed sweep: every output arrives exactly once, the manifest names each worker', async () => {
    const { out, done } = submit([DEFAULT_GRAPH, ...QUICK, '--seeds', '1-30']);
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    const manifest = await expectExactlyOnce(out, 30);
    expect(manifest.runs.map((run) => run.seed).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    const used = new Set(manifest.runs.map((run) => (run as { worker?: string }).worker));
    for (const name of used) expect(['w1', 'w2', 'w3']).toContain(name);
    expect(used.size).toBeGreaterThan(1);
    expect(result.stdout).toMatch(/30 run\(s\): 30 done/);
  });

  it('routes a job to the workers holding its model, and fails one no live worker has', async () => {
    const { out, done } = submit([TINY, '--seeds', '1-6']);
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    const manifest = await expectExactlyOnce(out, 6);
    for (const run of manifest.runs) expect(['w1', 'w2']).toContain((run as { worker?: string }).worker);

    const missing = submit([DEFAULT_GRAPH, ...QUICK, '--set', 'load.model=no-such-model']);
    const failed = await missing.done;
    expect(failed.code, failed.stderr).toBe(1);
    const failedRun = (await readManifest(missing.out)).runs[0];
    expect(failedRun.status).toBe('failed');
    expect(failedRun.error?.message).toMatch(
      /no live worker in farm "default" has the model\(s\).*no-such-model/,
    );
  });

  it('Ctrl-C on the submitter removes waiting jobs and cancels the running ones', async () => {
    const { out, child, done } = submit([DEFAULT_GRAPH, '--set', 'schedule.steps=300', '--seeds', '1-24']);
    await waitForStdout(child, /done in/);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code, result.stderr).toBe(130);
    const manifest = await readManifest(out);
    const finished = manifest.runs.filter((run) => run.status === 'done').length;
    expect(finished).toBeGreaterThan(0);
    expect(finished).toBeLessThan(24);
    expect(manifest.runs.filter((run) => run.status === 'failed').map((run) => run.error?.message)).toEqual(
      [],
    );
    expect(result.stdout).toMatch(/24 run\(s\): \d+ done, .*(cancelled|not run)/);
    // Nothing of that batch is left for the workers: they are all idle again.
    const status = await farmStatus();
    const queued = status.queues.reduce((sum, q) => sum + q.counts.waiting + q.counts.active, 0);
    expect(queued).toBe(0);
  });

  it('`farm collect` finishes a batch whose submitter was killed, exactly once', async () => {
    const { out, child, done } = submit([DEFAULT_GRAPH, ...QUICK, '--seeds', '1-8']);
    const batch = await waitForStderr(child, /batch ([a-f0-9]+): 8 job\(s\) queued/);
    child.kill('SIGKILL');
    await done;
    const collected = await runCli(['farm', 'collect', batch, '--redis', redis.url]);
    expect(collected.code, collected.stderr).toBe(0);
    await expectExactlyOnce(out, 8);
  });

  it('a batch survives a Redis restart mid-batch (AOF)', async () => {
    const { out, child, done } = submit([DEFAULT_GRAPH, '--set', 'schedule.steps=100', '--seeds', '1-12']);
    await waitForStdout(child, /done in/);
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await redis.start();
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    await expectExactlyOnce(out, 12);
  });

  it('a network drop (every client connection killed by Redis) is reconnected and the batch completes', async () => {
    const { out, child, done } = submit([DEFAULT_GRAPH, '--set', 'schedule.steps=100', '--seeds', '1-8']);
    await waitForStdout(child, /done in/);
    const killed = spawnSync('redis-cli', ['-p', String(redis.port), 'client', 'kill', 'type', 'normal'], {
      encoding: 'utf8',
    });
    expect(killed.stdout.trim()).toMatch(/^[1-9]\d*$/); // it did drop connections
    spawnSync('redis-cli', ['-p', String(redis.port), 'client', 'kill', 'type', 'pubsub']);
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    await expectExactlyOnce(out, 8);
  });

  it('serve --redis: an editor run goes to the farm, names its worker, and its image lands in the output folder', async () => {
    const output = newOut();
    const engine = await startFarmEngine({
      redis: redis.url,
      queue: 'default',
      paths: { models: join(temp.dir, 'empty'), input: join(temp.dir, 'input'), output },
      device: 'cpu',
    });
    try {
      const doc = JSON.parse(await readFile(DEFAULT_GRAPH, 'utf8'));
      doc.nodes.schedule.widgets.steps = 2;
      const assigned: string[] = [];
      const events: string[] = [];
      const result = await engine.run(doc, (event) => events.push(event.type), {
        runId: 'editor-1',
        onWorker: (worker) => assigned.push(worker),
      });
      expect(result.status, result.error?.message).toBe('done');
      expect(assigned).toHaveLength(1);
      expect(['w1', 'w2', 'w3']).toContain(assigned[0]);
      // The editor's queue shows it running once a worker took it (not only when it is done).
      expect(events.indexOf('run-started')).toBeGreaterThanOrEqual(0);
      expect(events.indexOf('run-started')).toBeLessThan(events.indexOf('node-output'));
      expect(events).toContain('node-output');
      expect(events.at(-1)).toBe('run-done');
      expect(result.outputs.map((file) => basename(file.path))).toEqual(await pngs(output));
    } finally {
      await engine.close();
    }
  });

  it('--shared-out on another farm name: outputs stay on the share, and the farms never mix', async () => {
    const share = join(temp.dir, 'share');
    const isolated = startWorker('w4', redis.url, ['--queue', 'isolated', '--shared-out', share]);
    workers.set('w4', isolated);
    await isolated.waitFor('ready');
    const out = newOut();
    const args = [DEFAULT_GRAPH, ...QUICK, '--seeds', '1-4', '--queue', 'isolated', '--shared-out', share];
    const result = await submit(args, out).done;
    expect(result.code, result.stderr).toBe(0);
    const manifest = await expectExactlyOnce(out, 4);
    for (const run of manifest.runs) expect((run as { worker?: string }).worker).toBe('w4');
    // Collected files are moved off the share; nothing of the farm went through the default farm.
    expect(await readdir(join(share, '.farm-staging', 'w4'))).toEqual([]);
    expect(isolated.log()).not.toMatch(/job \S+: failed/);
    const status = await farmStatus();
    expect((status as unknown as { workers: { name: string }[] }).workers.map((w) => w.name)).not.toContain(
      'w4',
    );
  });

  it('SIGKILL of a worker mid-job: the job is retried on another worker, outputs arrive once', async () => {
    const { out, done } = submit([DEFAULT_GRAPH, '--set', 'schedule.steps=300', '--seeds', '1-4']);
    const victim = workers.get('w1') as WorkerProcess;
    const before = victim.log().length;
    const started = /job (\S+): started/g;
    started.lastIndex = before;
    await victim.waitFor((log) => started.test(log));
    started.lastIndex = before;
    const jobId = started.exec(victim.log())?.[1];
    victim.child.kill('SIGKILL');
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    const manifest = await expectExactlyOnce(out, 4);
    const retried = manifest.runs.find((run) => run.runId === jobId) as { worker?: string } | undefined;
    expect(retried?.worker).toBeDefined();
    expect(retried?.worker).not.toBe('w1');
    for (const run of manifest.runs) expect((run as { worker?: string }).worker).not.toBe('w1');
  });
});

async function farmStatus(): Promise<{ queues: { counts: Record<string, number> }[] }> {
  const result = await runCli(['farm', 'status', '--redis', redis.url, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

function waitForStream(stream: NodeJS.ReadableStream | null, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} on ${what}: ${text}`)), 60_000);
    stream?.on('data', (chunk: Buffer | string) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? match[0]);
      }
    });
  });
}

function waitForStdout(child: { stdout: NodeJS.ReadableStream | null }, pattern: RegExp): Promise<string> {
  return waitForStream(child.stdout, pattern, 'stdout');
}

function waitForStderr(child: { stderr: NodeJS.ReadableStream | null }, pattern: RegExp): Promise<string> {
  return waitForStream(child.stderr, pattern, 'stderr');
}
