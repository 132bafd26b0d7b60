// On a terminal: the batch bar plus one bar per farm worker (its current run, node, sampler step),
// finished runs logged above them with the worker that ran each. Everything goes to stderr.
import cliProgress from 'cli-progress';
import type { EngineEvent } from '../../engine/events.ts';
import type { Job } from '../run/jobs.ts';
import type { ManifestRun } from '../run/manifest.ts';
import { type BatchStart, type BatchSummary, describeJob, runLine, summaryLine } from '../run/report.ts';
import type { FarmReporter } from './reporter.ts';

type Bar = cliProgress.SingleBar;

export class WorkerBarsReporter implements FarmReporter {
  private readonly bars = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: '{label} |{bar}| {value}/{total} {unit} | {detail}',
      hideCursor: true,
      gracefulExit: false,
      clearOnComplete: true,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  private batchBar: Bar | null = null;
  private readonly workerBars = new Map<string, Bar>();
  /** Job index -> the worker running it. */
  private readonly workerOf = new Map<number, string>();
  private total = 0;
  private stopped = false;
  private readonly restoreTerminal = () => this.stop();

  constructor() {
    process.once('exit', this.restoreTerminal);
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.bars.update();
    this.bars.stop();
  }

  batchStarted(info: BatchStart): void {
    this.total = info.total;
    this.batchBar = this.bars.create(info.total, 0, { label: 'batch', unit: 'runs', detail: info.device });
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
    if (!bar) return;
    const head = `[${job.index}] ${describeJob(job)}`;
    if (event.type === 'node-started') {
      bar.setTotal(1);
      bar.update(0, { unit: '', detail: `${head} | ${event.nodeType} (${event.nodeId})` });
    } else if (event.type === 'node-progress') {
      bar.setTotal(event.total);
      bar.update(event.step, { unit: 'steps', detail: `${head} | ${event.nodeId}` });
    } else if (event.type === 'node-warning') {
      this.notice(`${event.nodeId}: ${event.message}`);
    }
  }

  runFinished(job: Job, run: ManifestRun): void {
    this.bars.log(`${runLine(job, this.total, run)} (${run.worker ?? 'no worker'})\n`);
    this.batchBar?.increment();
  }

  notice(message: string): void {
    this.bars.log(`${message}\n`);
  }

  batchFinished(summary: BatchSummary): void {
    this.stop();
    process.off('exit', this.restoreTerminal);
    process.stderr.write(`${summaryLine(summary)}\n`);
  }
}
