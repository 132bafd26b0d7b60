// `diffgraph run --redis`: the planned batch goes to the farm instead of a local engine; outputs
// come back into --out with the same manifest, reports and exit codes as a local batch.

import type { NodeRegistry } from '../../engine/registry.ts';
import type { ExitCode } from '../exit.ts';
import { EXIT } from '../exit.ts';
import { Interrupt } from '../run/interrupt.ts';
import type { Job } from '../run/jobs.ts';
import type { Manifest } from '../run/manifest.ts';
import { type CollectCounts, Collector } from './collect.ts';
import { endedRun } from './farm-job.ts';
import { checkFarmName } from './keys.ts';
import { type FarmReporter, makeFarmReporter } from './reporter.ts';
import { openFarm } from './session.ts';
import { submitBatch } from './submit.ts';

export interface FarmRunOptions {
  redis: string;
  queue: string;
  sharedOut?: string;
  jobTimeout: number;
  attempts: number;
  json: boolean;
  continueOnError: boolean;
}

export async function runOnFarm(
  jobs: readonly Job[],
  setup: { registry: NodeRegistry; roots: readonly string[]; out: string; manifest: Manifest },
  options: FarmRunOptions,
): Promise<ExitCode> {
  const farm = await openFarm(options.redis, checkFarmName(options.queue));
  const reporter = makeFarmReporter(options.json);
  const interrupt = new Interrupt((message) => reporter.notice(message));
  const started = performance.now();
  try {
    const { record, unroutable } = await submitBatch(jobs, {
      ...farm,
      registry: setup.registry,
      roots: setup.roots,
      out: setup.out,
      transfer: options.sharedOut ? 'shared' : 'redis',
      timeoutMs: options.jobTimeout,
      attempts: options.attempts,
    });
    reporter.batchStarted({
      total: jobs.length,
      device: `farm ${farm.keys.farm} batch ${record.id}`,
      out: setup.out,
    });
    reporter.notice(
      `batch ${record.id}: ${record.jobs.length} job(s) queued (farm collect ${record.id} resumes)`,
    );
    const collector = new Collector({
      ...farm,
      batch: record,
      outDir: setup.out,
      sharedRoot: options.sharedOut ?? null,
      manifest: setup.manifest,
      reporter,
      interrupt,
      continueOnError: options.continueOnError,
      pollMs: 200,
      unservedGraceMs: 15_000,
    });
    for (const { job, reason } of unroutable) {
      const run = endedRun(job, `${record.id}-${job.index}`, record, reason, null);
      await setup.manifest.add(run);
      reporter.runFinished(job, run);
      collector.counts.failed += 1;
    }
    if (unroutable.length > 0 && !options.continueOnError) await collector.stop();
    const counts = await collector.run();
    return finishBatch(reporter, counts, jobs.length, started, interrupt, setup.manifest);
  } finally {
    interrupt.dispose();
    await farm.close();
  }
}

/** The summary line and exit code, exactly as a local batch reports them. */
export function finishBatch(
  reporter: FarmReporter,
  counts: CollectCounts,
  total: number,
  started: number,
  interrupt: Interrupt,
  manifest: Manifest,
): ExitCode {
  let exitCode: ExitCode = counts.failed > 0 ? EXIT.failed : EXIT.ok;
  if (interrupt.requested) exitCode = EXIT.interrupted;
  reporter.batchFinished({
    runs: total,
    done: counts.done,
    failed: counts.failed,
    cancelled: counts.cancelled,
    skipped: total - counts.done - counts.failed - counts.cancelled,
    ms: Math.round(performance.now() - started),
    exitCode,
    manifest: manifest.path,
  });
  return exitCode;
}
