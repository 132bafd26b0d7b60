// Runs a planned batch on one engine (one worker, so models load once and the cache spans runs),
// recording each run in the manifest as soon as it ends.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { DeviceName } from '../../../nodes/api.ts';
import type { EngineEvent, OutputFileInfo } from '../../engine/events.ts';
import type { EngineClient } from '../../engine/transport/client.ts';
import { EXIT, type ExitCode } from '../exit.ts';
import type { Interrupt } from './interrupt.ts';
import type { Job } from './jobs.ts';
import { type Manifest, type ManifestRun, ManifestWriteError } from './manifest.ts';
import type { Reporter } from './report.ts';

export interface BatchContext {
  client: EngineClient;
  /** The device runs use (`auto` already resolved), recorded per run. */
  device: DeviceName | string;
  manifest: Manifest;
  reporter: Reporter;
  interrupt: Interrupt;
  continueOnError: boolean;
}

export async function runBatch(jobs: readonly Job[], context: BatchContext): Promise<ExitCode> {
  const { manifest, reporter, interrupt } = context;
  const batch = `${new Date().toISOString()} pid ${process.pid}`;
  const started = performance.now();
  const counts = { done: 0, failed: 0, cancelled: 0 };
  let unrecorded = 0;
  for (const job of jobs) {
    if (interrupt.requested) break;
    reporter.runStarted(job);
    const run = await runJob(job, context, batch);
    const recorded = await recordRun(manifest, run, reporter);
    reporter.runFinished(job, run);
    counts[run.status] += 1;
    if (!recorded) unrecorded += 1;
    if (run.status === 'cancelled') break;
    if ((run.status === 'failed' || !recorded) && !context.continueOnError) break;
  }
  const ran = counts.done + counts.failed + counts.cancelled;
  let exitCode: ExitCode = counts.failed > 0 || unrecorded > 0 ? EXIT.failed : EXIT.ok;
  if (interrupt.requested) exitCode = EXIT.interrupted;
  reporter.batchFinished({
    runs: jobs.length,
    ...counts,
    skipped: jobs.length - ran,
    ms: Math.round(performance.now() - started),
    exitCode,
    manifest: manifest.path,
  });
  return exitCode;
}

/** Add the run to the manifest; a write failure (a full disk) is reported as a notice, not a crash. */
async function recordRun(manifest: Manifest, run: ManifestRun, reporter: Reporter): Promise<boolean> {
  try {
    await manifest.add(run);
    return true;
  } catch (error) {
    if (!(error instanceof ManifestWriteError)) throw error;
    reporter.notice(error.message);
    return false;
  }
}

async function runJob(job: Job, context: BatchContext, batch: string): Promise<ManifestRun> {
  const startedAt = new Date().toISOString();
  const nodes: Record<string, number> = {};
  const cached: string[] = [];
  const outputs: OutputFileInfo[] = [];
  // Our own run id, so Ctrl-C can cancel the run even before the worker has started it.
  const runId = randomUUID();
  context.interrupt.onCancel(() => context.client.cancel(runId));
  const onEvent = (event: EngineEvent) => {
    if (event.type === 'node-done') nodes[event.nodeId] = roundMs(event.ms);
    else if (event.type === 'node-cached') cached.push(event.nodeId);
    else if (event.type === 'node-output') outputs.push(event.file);
    context.reporter.event(job, event);
  };
  // EngineClient.run never rejects: a dead worker comes back as a failed run.
  const result = await context.client.run(job.doc, onEvent, { runId });
  context.interrupt.onCancel(() => {});
  return {
    runId: result.runId,
    batch,
    graph: resolve(job.file),
    overrides: job.overrides,
    seed: job.seed,
    seedWidgets: job.seedWidgets,
    repeat: job.repeat,
    device: context.device,
    status: result.status,
    startedAt,
    finishedAt: new Date().toISOString(),
    timings: { totalMs: roundMs(result.ms), nodes, cached },
    outputs: result.outputs.length > 0 ? result.outputs : outputs,
    error: result.error ?? null,
  };
}

function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}
