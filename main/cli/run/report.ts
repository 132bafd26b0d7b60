// How a batch tells people (or scripts) what is happening. Three flavours: JSON lines for scripts,
// progress bars on a terminal, one line per run otherwise.
import { basename } from 'node:path';
import type { EngineEvent } from '../../engine/events.ts';
import type { Job } from './jobs.ts';
import type { ManifestRun } from './manifest.ts';

export interface BatchSummary {
  runs: number;
  done: number;
  failed: number;
  cancelled: number;
  /** Planned runs never started (stopped at a failure or by Ctrl-C). */
  skipped: number;
  ms: number;
  exitCode: number;
  manifest: string;
}

export interface BatchStart {
  total: number;
  device: string;
  out: string;
}

export interface Reporter {
  batchStarted(info: BatchStart): void;
  runStarted(job: Job): void;
  event(job: Job, event: EngineEvent): void;
  runFinished(job: Job, run: ManifestRun): void;
  /** A message for people (always stderr; never mixed into --json stdout). */
  notice(message: string): void;
  batchFinished(summary: BatchSummary): void;
}

export function describeJob(job: Job): string {
  const parts = [basename(job.file)];
  if (job.seed !== null) parts.push(`seed=${job.seed}`);
  if (job.repeat > 1) parts.push(`#${job.repeat}`);
  return parts.join(' ');
}

export function runLine(job: Job, total: number, run: ManifestRun): string {
  const head = `[${job.index}/${total}] ${describeJob(job)}`;
  const time = `${(run.timings.totalMs / 1000).toFixed(2)}s`;
  if (run.status === 'done') {
    const files = run.outputs.map((output) => output.path).join(', ') || 'no files';
    return `${head}: done in ${time} -> ${files}`;
  }
  if (run.status === 'cancelled') return `${head}: cancelled after ${time}`;
  const node = run.error?.nodeId ? ` at node ${run.error.nodeId}` : '';
  return `${head}: FAILED${node} after ${time}: ${run.error?.message ?? 'unknown error'}`;
}

export function summaryLine(summary: BatchSummary): string {
  const counts = [`${summary.done} done`];
  if (summary.failed) counts.push(`${summary.failed} failed`);
  if (summary.cancelled) counts.push(`${summary.cancelled} cancelled`);
  if (summary.skipped) counts.push(`${summary.skipped} not run`);
  const time = (summary.ms / 1000).toFixed(2);
  return `${summary.runs} run(s): ${counts.join(', ')} in ${time}s; manifest: ${summary.manifest}`;
}
