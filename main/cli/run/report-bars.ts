// On a terminal: a bar for the batch and one for the current run (node, sampler step, ETA),
// with each finished run logged above them. Everything goes to stderr.
import type { EngineEvent } from '../../engine/events.ts';
import type { Job } from './jobs.ts';
import type { ManifestRun } from './manifest.ts';
import { describeJob, type Reporter, runLine } from './report.ts';
import { type Bar, TerminalBars } from './terminal-bars.ts';

export class BarsReporter extends TerminalBars implements Reporter {
  private runBar: Bar | null = null;

  constructor() {
    super('{label} |{bar}| {value}/{total} {unit} | {detail} | ETA {eta_formatted}', { etaBuffer: 20 });
  }

  runStarted(job: Job): void {
    this.runBar?.stop();
    if (this.runBar) this.bars.remove(this.runBar);
    this.runBar = this.bars.create(1, 0, { label: `run ${job.index}`, unit: '', detail: describeJob(job) });
  }

  event(job: Job, event: EngineEvent): void {
    if (this.runBar) this.showEvent(this.runBar, describeJob(job), event);
  }

  runFinished(job: Job, run: ManifestRun): void {
    this.logFinished(runLine(job, this.total, run));
  }
}
