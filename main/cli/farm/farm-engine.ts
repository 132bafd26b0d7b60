// `diffgraph serve --redis`: the editor's engine, except that runs go to the farm. Catalogue,
// validation and model lists still come from a local engine (the editor needs them instantly);
// each run is a one-job batch, collected into the server's output folder.
import type { DeviceName } from '../../../nodes/api.ts';
import type { EngineEvent, RunResult } from '../../engine/events.ts';
import { defaultRegistry, type NodeRegistry } from '../../engine/registry.ts';
import { EngineClient } from '../../engine/transport/client.ts';
import type { EngineLike, RunOptions } from '../../engine/transport/engine-calls.ts';
import type { GraphDocument } from '../../graph/schema.ts';
import { BUNDLED_MODELS_DIR } from '../../paths.ts';
import type { Job } from '../run/jobs.ts';
import type { ManifestRun } from '../run/manifest.ts';
import { Collector } from './collect.ts';
import { checkFarmName } from './keys.ts';
import type { FarmReporter } from './reporter.ts';
import { type FarmSession, openFarm } from './session.ts';
import { submitBatch } from './submit.ts';

export interface FarmEngineOptions {
  local: EngineClient;
  farm: FarmSession;
  registry: NodeRegistry;
  roots: readonly string[];
  output: string;
}

export function farmEngine(options: FarmEngineOptions): EngineLike {
  const { local } = options;
  const collectors = new Map<string, Collector>();
  return {
    catalogue: () => local.catalogue(),
    validate: (doc) => local.validate(doc),
    listModels: () => local.listModels(),
    loadedModels: () => local.loadedModels(),
    unloadModels: (key) => local.unloadModels(key),
    devices: () => local.devices(),
    autoDevice: () => local.autoDevice(),
    modelRefs: (doc) => local.modelRefs(doc),
    run: (doc, onEvent = () => {}, runOptions = {}) =>
      runOnFarm(options, doc, onEvent, runOptions, collectors),
    cancel: (runId) => {
      for (const [id, collector] of collectors)
        if (runId === undefined || id === runId) void collector.stop();
    },
    close: async () => {
      await options.farm.close();
      await local.close();
    },
  };
}

async function runOnFarm(
  options: FarmEngineOptions,
  doc: unknown,
  onEvent: (event: EngineEvent) => void,
  runOptions: RunOptions,
  collectors: Map<string, Collector>,
): Promise<RunResult> {
  const runId = runOptions.runId ?? globalThis.crypto.randomUUID();
  const started = performance.now();
  const problems = await options.local.validate(doc);
  if (problems.length > 0) {
    const message = problems.map((p) => p.message).join('; ');
    onEvent({ type: 'run-failed', runId, nodeId: problems[0].nodeId, message, problems });
    return { runId, status: 'failed', ms: 0, outputs: [], error: { nodeId: problems[0].nodeId, message } };
  }
  const job: Job = {
    index: 1,
    file: 'editor',
    doc: doc as GraphDocument,
    overrides: {},
    seed: null,
    seedWidgets: {},
    repeat: 1,
  };
  const { farm } = options;
  const { record, unroutable } = await submitBatch([job], {
    ...farm,
    registry: options.registry,
    roots: options.roots,
    out: options.output,
    transfer: 'redis',
    timeoutMs: 0,
    attempts: 3,
  });
  let ended: ManifestRun | null = null;
  let reportedWorker = false;
  const onWorker = (worker: string) => {
    // A worker took it: the editor's queue shows the run as running from now (once, even if retried).
    if (!reportedWorker) onEvent({ type: 'run-started', runId, plan: Object.keys(job.doc.nodes ?? {}) });
    reportedWorker = true;
    runOptions.onWorker?.(worker);
  };
  if (unroutable.length > 0) return failed(runId, unroutable[0].reason, onEvent);
  const collector = new Collector({
    ...farm,
    batch: record,
    outDir: options.output,
    sharedRoot: null,
    manifest: {
      runIds: async () => new Set(ended ? [ended.runId] : []),
      add: async (run) => {
        ended = run;
      },
    },
    reporter: editorReporter(runId, onEvent, onWorker),
    interrupt: { requested: false, onCancel: () => {} },
    continueOnError: true,
    pollMs: 100,
    unservedGraceMs: 15_000,
  });
  collectors.set(runId, collector);
  try {
    await collector.run();
  } finally {
    collectors.delete(runId);
  }
  const run = ended as ManifestRun | null;
  const ms = performance.now() - started;
  // A job taken before the progress stream was read reports its worker only in its result.
  if (run?.worker && run.worker !== 'none' && !reportedWorker) onWorker(run.worker);
  if (!run || run.status === 'cancelled') {
    onEvent({ type: 'run-cancelled', runId });
    return { runId, status: 'cancelled', ms, outputs: [] };
  }
  if (run.status === 'failed') return failed(runId, run.error?.message ?? 'failed on the farm', onEvent);
  for (const file of run.outputs) onEvent({ type: 'node-output', runId, nodeId: 'farm', file });
  onEvent({ type: 'run-done', runId, ms, outputs: run.outputs });
  return { runId, status: 'done', ms, outputs: run.outputs };
}

function failed(runId: string, message: string, onEvent: (event: EngineEvent) => void): RunResult {
  onEvent({ type: 'run-failed', runId, nodeId: null, message });
  return { runId, status: 'failed', ms: 0, outputs: [], error: { nodeId: null, message } };
}

/** Progress from the farm as the editor's engine events; the worker's name goes to the queue entry. */
function editorReporter(
  runId: string,
  onEvent: (event: EngineEvent) => void,
  onWorker?: (worker: string) => void,
): FarmReporter {
  return {
    runAssigned: (_job, worker) => onWorker?.(worker),
    event: (_job, event) => onEvent({ ...event, runId }),
    batchStarted: () => {},
    runStarted: () => {},
    runFinished: () => {},
    notice: () => {},
    batchFinished: () => {},
  };
}

/** The engine `serve --redis` hands the server: a local engine for the editor, runs on the farm. */
export async function startFarmEngine(options: {
  redis: string;
  queue: string;
  paths: { models: string; input: string; output: string };
  device: DeviceName;
}): Promise<EngineLike> {
  const farm = await openFarm(options.redis, checkFarmName(options.queue));
  const roots = [options.paths.models, BUNDLED_MODELS_DIR];
  const local = await EngineClient.start({
    paths: options.paths,
    device: options.device,
    modelSearchPath: roots,
    allowAbsolutePaths: false,
  });
  return farmEngine({ local, farm, registry: defaultRegistry(), roots, output: options.paths.output });
}
