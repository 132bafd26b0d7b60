// --json: one JSON object per line on stdout (engine events tagged with their job, run and batch
// summaries). Nothing else is written to stdout, so scripts can parse every line.
import type { EngineEvent } from '../../engine/events.ts';
import type { Job } from './jobs.ts';
import type { ManifestRun } from './manifest.ts';
import type { BatchStart, BatchSummary, Reporter } from './report.ts';

export class JsonReporter implements Reporter {
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(line)) {}

  private emit(value: object): void {
    this.write(`${JSON.stringify(value)}\n`);
  }

  batchStarted(info: BatchStart): void {
    this.emit({ type: 'batch-started', ...info });
  }

  runStarted(_job: Job): void {}

  event(job: Job, event: EngineEvent): void {
    this.emit({ ...event, job: job.index });
  }

  runFinished(job: Job, run: ManifestRun): void {
    this.emit({ type: 'run-summary', job: job.index, ...run });
  }

  notice(message: string): void {
    process.stderr.write(`${message}\n`);
  }

  batchFinished(summary: BatchSummary): void {
    this.emit({ type: 'batch-summary', ...summary });
  }
}
