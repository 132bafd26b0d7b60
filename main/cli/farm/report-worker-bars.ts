// On a terminal: the batch bar plus one bar per farm worker (its current run, node, sampler step),
// finished runs logged above them with the worker that ran each. Everything goes to stderr.
import type { EngineEvent } from '../../engine/events.ts';
import type { Job } from '../run/jobs.ts';
import type { ManifestRun } from '../run/manifest.ts';
import { describeJob, runLine } from '../run/report.ts';
import { type Bar, TerminalBars } from '../run/terminal-bars.ts';
import type { FarmReporter } from './reporter.ts';

export class WorkerBarsReporter extends TerminalBars implements FarmReporter {
  private readonly workerBars = new Map<string, Bar>();
  /** Job index -> the worker running it. */
  private readonly workerOf = new Map<number, string>();

  constructor() {
    super('{label} |{bar}| {value}/{total} {unit} | {detail}');
  }

  runAssigned(job: Job, worker: string, attempt: number): void {
    this.workerOf.set(job.index, worker);
    let bar = this.workerBars.get(worker);
    if (!bar) {
      bar = this.bars.create(1, 0, { label: worker, unit: '', detail: '' });
      this.workerBars.set(worker, bar);
    }
    const retry = attempt > 1 ? ` (attempt ${attempt})` : '';
    bar.update(0, { unit: '', detail: `[${job.index}] ${describeJob(job)}${retry}` });
  }

  runStarted(_job: Job): void {}

  event(job: Job, event: EngineEvent): void {
    const bar = this.workerBars.get(this.workerOf.get(job.index) ?? '');
    if (bar) this.showEvent(bar, `[${job.index}] ${describeJob(job)}`, event);
  }

  runFinished(job: Job, run: ManifestRun): void {
    this.logFinished(`${runLine(job, this.total, run)} (${run.worker ?? 'no worker'})`);
  }
}
