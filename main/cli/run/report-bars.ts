// On a terminal: a bar for the batch and one for the current run (node, sampler step, ETA),
// with each finished run logged above them. Everything goes to stderr.
import cliProgress from 'cli-progress';
import type { EngineEvent } from '../../engine/events.ts';
import type { Job } from './jobs.ts';
import type { ManifestRun } from './manifest.ts';
import {
  type BatchStart,
  type BatchSummary,
  describeJob,
  type Reporter,
  runLine,
  summaryLine,
} from './report.ts';

type Bar = cliProgress.SingleBar;

export class BarsReporter implements Reporter {
  private readonly bars = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: '{label} |{bar}| {value}/{total} {unit} | {detail} | ETA {eta_formatted}',
      hideCursor: true,
      gracefulExit: false,
      clearOnComplete: true,
      etaBuffer: 20,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  private batchBar: Bar | null = null;
  private runBar: Bar | null = null;
  private total = 0;
  private nodeTypes = new Map<string, string>();
  private stopped = false;
  // A second Ctrl-C exits at once: give the terminal its cursor back even then.
  private readonly restoreTerminal = () => this.stop();

  constructor() {
    process.once('exit', this.restoreTerminal);
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.bars.update(); // flushes lines logged since the last redraw
    this.bars.stop();
  }

  batchStarted(info: BatchStart): void {
    this.total = info.total;
    this.batchBar = this.bars.create(info.total, 0, { label: 'batch', unit: 'runs', detail: info.device });
  }

  runStarted(job: Job): void {
    this.runBar?.stop();
    if (this.runBar) this.bars.remove(this.runBar);
    this.runBar = this.bars.create(1, 0, { label: `run ${job.index}`, unit: '', detail: describeJob(job) });
  }

  event(job: Job, event: EngineEvent): void {
    const bar = this.runBar;
    if (!bar) return;
    const label = `${describeJob(job)}`;
    if (event.type === 'node-started') {
      this.nodeTypes.set(event.nodeId, event.nodeType);
      bar.setTotal(1);
      bar.update(0, { unit: '', detail: `${label} | ${event.nodeType} (${event.nodeId})` });
    } else if (event.type === 'node-progress') {
      const type = this.nodeTypes.get(event.nodeId) ?? event.nodeId;
      bar.setTotal(event.total);
      bar.update(event.step, { unit: 'steps', detail: `${label} | ${type} (${event.nodeId})` });
    } else if (event.type === 'node-warning') {
      this.notice(`${event.nodeId}: ${event.message}`);
    }
  }

  runFinished(job: Job, run: ManifestRun): void {
    this.bars.log(`${runLine(job, this.total, run)}\n`);
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
