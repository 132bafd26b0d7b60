// A BullMQ job seen from the collector: its plan entry (for reports) rebuilt from the job data,
// and its manifest entry built from the result or the failure.
import type { Job as BullJob } from 'bullmq';
import type { OutputFileInfo } from '../../engine/events.ts';
import type { GraphDocument } from '../../graph/schema.ts';
import type { Job } from '../run/jobs.ts';
import type { ManifestRun } from '../run/manifest.ts';
import type { BatchRecord } from './batch-record.ts';
import { CANCELLED_REASON, type FarmJobData, type FarmJobResult } from './job-data.ts';

export function planEntry(data: FarmJobData): Job {
  return {
    index: data.index,
    file: data.file,
    doc: data.doc as GraphDocument,
    overrides: data.overrides,
    seed: data.seed,
    seedWidgets: data.seedWidgets,
    repeat: data.repeat,
  };
}

/**
 * The plan entry of a job whose data is not a farm job's (tampered with, or from another version):
 * its worker refuses it, and this is enough to report and record that failure.
 */
export function unreadableEntry(index: number, jobId: string): Job {
  return {
    index,
    file: `(farm job ${jobId}: unreadable)`,
    doc: { nodes: {} } as unknown as GraphDocument,
    overrides: {},
    seed: null,
    seedWidgets: {},
    repeat: 1,
  };
}

function base(job: Job, jobId: string, batch: BatchRecord) {
  return {
    runId: jobId,
    batch: `farm ${batch.farm} batch ${batch.id}`,
    graph: job.file,
    overrides: job.overrides,
    seed: job.seed,
    seedWidgets: job.seedWidgets,
    repeat: job.repeat,
  };
}

export function doneRun(
  job: Job,
  jobId: string,
  batch: BatchRecord,
  result: FarmJobResult,
  outputs: OutputFileInfo[],
): ManifestRun {
  return {
    ...base(job, jobId, batch),
    device: result.device,
    worker: result.worker,
    status: 'done',
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    timings: result.timings,
    outputs,
    error: null,
  };
}

/** A run that ended without outputs: failed on a worker, cancelled, or never routable. */
export function endedRun(
  job: Job,
  jobId: string,
  batch: BatchRecord,
  reason: string,
  worker: string | null,
  bull?: BullJob,
): ManifestRun {
  const now = new Date().toISOString();
  const started = bull?.processedOn ? new Date(bull.processedOn).toISOString() : now;
  const finished = bull?.finishedOn ? new Date(bull.finishedOn).toISOString() : now;
  return {
    ...base(job, jobId, batch),
    device: 'farm',
    worker: worker ?? 'none',
    status: reason === CANCELLED_REASON ? 'cancelled' : 'failed',
    startedAt: started,
    finishedAt: finished,
    timings: { totalMs: Date.parse(finished) - Date.parse(started), nodes: {}, cached: [] },
    outputs: [],
    error: reason === CANCELLED_REASON ? null : { nodeId: null, message: reason },
  };
}
