// What every terminal reporter shares: a cli-progress MultiBar on stderr with a batch bar, finished
// runs logged above the bars, the cursor given back however the process ends, and one way of showing
// a run's engine events on a bar. BarsReporter (one run at a time) and the farm's per-worker bars
// extend it.
import cliProgress from 'cli-progress';
import type { EngineEvent } from '../../engine/events.ts';
import type { BatchStart, BatchSummary } from './report.ts';
import { summaryLine } from './report.ts';

export type Bar = cliProgress.SingleBar;

export abstract class TerminalBars {
  protected readonly bars: cliProgress.MultiBar;
  protected batchBar: Bar | null = null;
  protected total = 0;
  private readonly nodeTypes = new Map<string, string>();
  private stopped = false;
  // A second Ctrl-C exits at once: give the terminal its cursor back even then.
  private readonly restoreTerminal = () => this.stop();

  constructor(format: string, options: cliProgress.Options = {}) {
    this.bars = new cliProgress.MultiBar(
      {
        stream: process.stderr,
        format,
        hideCursor: true,
        gracefulExit: false,
        clearOnComplete: true,
        barsize: 24,
        ...options,
      },
      cliProgress.Presets.shades_classic,
    );
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

  /** Shows a node starting, a sampler step or a warning on `bar`, its detail led by `head`. */
  protected showEvent(bar: Bar, head: string, event: EngineEvent): void {
    if (event.type === 'node-started') {
      this.nodeTypes.set(event.nodeId, event.nodeType);
      bar.setTotal(1);
      bar.update(0, { unit: '', detail: `${head} | ${event.nodeType} (${event.nodeId})` });
    } else if (event.type === 'node-progress') {
      const type = this.nodeTypes.get(event.nodeId) ?? event.nodeId;
      bar.setTotal(event.total);
      bar.update(event.step, { unit: 'steps', detail: `${head} | ${type} (${event.nodeId})` });
    } else if (event.type === 'node-warning') {
      this.notice(`${event.nodeId}: ${event.message}`);
    }
  }

  /** Logs a finished run above the bars and counts it on the batch bar. */
  protected logFinished(line: string): void {
    this.bars.log(`${line}\n`);
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
