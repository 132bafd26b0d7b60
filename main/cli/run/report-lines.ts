// Not a terminal (CI logs, pipes): one concise line per run on stdout, notices on stderr.
import type { EngineEvent } from '../../engine/events.ts';
import { terminalSafe } from '../../util/terminal-safe.ts';
import type { Job } from './jobs.ts';
import type { ManifestRun } from './manifest.ts';
import { type BatchStart, type BatchSummary, type Reporter, runLine, summaryLine } from './report.ts';

export class LineReporter implements Reporter {
  private total = 0;

  batchStarted(info: BatchStart): void {
    this.total = info.total;
  }

  runStarted(_job: Job): void {}

  event(job: Job, event: EngineEvent): void {
    if (event.type === 'node-warning')
      this.notice(`[${job.index}/${this.total}] ${event.nodeId}: ${event.message}`);
  }

  runFinished(job: Job, run: ManifestRun): void {
    process.stdout.write(`${runLine(job, this.total, run)}\n`);
  }

  notice(message: string): void {
    process.stderr.write(`${terminalSafe(message)}\n`);
  }

  batchFinished(summary: BatchSummary): void {
    process.stdout.write(`${summaryLine(summary)}\n`);
  }
}
