// Reporting a farm batch through the batch runner's reporters: a job assigned to a worker counts
// as started (JSON lines and plain lines as for a local batch); on a terminal, one bar per worker.

import type { EngineEvent } from '../../engine/events.ts';
import type { Job } from '../run/jobs.ts';
import type { ManifestRun } from '../run/manifest.ts';
import type { BatchStart, BatchSummary, Reporter } from '../run/report.ts';
import { JsonReporter } from '../run/report-json.ts';
import { LineReporter } from '../run/report-lines.ts';
import { WorkerBarsReporter } from './report-worker-bars.ts';

export interface FarmReporter extends Reporter {
  /** A worker took the job (again, on a retry: `attempt` > 1). */
  runAssigned(job: Job, worker: string, attempt: number): void;
}

/** Any Reporter as a FarmReporter: assignment is the run's start (notes retries for people). */
export class AssignedAsStarted implements FarmReporter {
  constructor(private readonly inner: Reporter) {}

  runAssigned(job: Job, worker: string, attempt: number): void {
    if (attempt > 1) this.inner.notice(`[${job.index}] retrying on ${worker} (attempt ${attempt})`);
    this.inner.runStarted(job);
  }
  batchStarted(info: BatchStart): void {
    this.inner.batchStarted(info);
  }
  runStarted(job: Job): void {
    this.inner.runStarted(job);
  }
  event(job: Job, event: EngineEvent): void {
    this.inner.event(job, event);
  }
  runFinished(job: Job, run: ManifestRun): void {
    this.inner.runFinished(job, run);
  }
  notice(message: string): void {
    this.inner.notice(message);
  }
  batchFinished(summary: BatchSummary): void {
    this.inner.batchFinished(summary);
  }
}

export function makeFarmReporter(json: boolean): FarmReporter {
  if (json) return new AssignedAsStarted(new JsonReporter());
  return process.stderr.isTTY ? new WorkerBarsReporter() : new AssignedAsStarted(new LineReporter());
}
