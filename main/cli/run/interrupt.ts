// Ctrl-C during a batch: the first SIGINT cancels the current run (the engine stops within a
// sampler step) and lets the batch wind down cleanly; a second one exits at once.
import { EXIT } from '../exit.ts';

export class Interrupt {
  requested = false;
  private cancelCurrent: () => void = () => {};
  private readonly onSignal = () => this.handle();

  constructor(private readonly notice: (message: string) => void) {
    process.on('SIGINT', this.onSignal);
  }

  /** What to call on the first Ctrl-C (cancel the run in progress). */
  onCancel(cancel: () => void): void {
    this.cancelCurrent = cancel;
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
  }

  private handle(): void {
    if (this.requested) {
      this.notice('Interrupted again: exiting now.');
      process.exit(EXIT.interrupted);
    }
    this.requested = true;
    this.notice('Interrupted: cancelling the current run (Ctrl-C again to quit at once)...');
    this.cancelCurrent();
  }
}
