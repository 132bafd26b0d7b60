// Lets the desktop shell or `diffgraph serve` restart the engine (new models folder or device) under a host core that keeps
// its subscribers: calls go to the current engine; swap() closes the old one. While a replacement
// starts (restart()), calls are held and then go to the new engine in the order they came, so a run
// queued during a restart is never sent to the engine about to be closed.

import { remoteMethods } from '../../rpc/remote-methods.ts';
import type { EngineEvent } from '../events.ts';
import {
  type EngineCalls,
  type EngineLike,
  PASS_THROUGH_NAMES,
  type PassThroughName,
} from './engine-calls.ts';

// The plain calls are own properties made from the engine's method table in the constructor.
export interface SwappableEngine extends Pick<EngineCalls, PassThroughName> {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above
export class SwappableEngine implements EngineLike {
  /** Settles when the restart under way (if any) has replaced the engine or given up. */
  private pending: Promise<void> | null = null;

  constructor(private current: EngineLike) {
    Object.assign(
      this,
      remoteMethods<EngineCalls, PassThroughName>(PASS_THROUGH_NAMES, (name, args) =>
        this.whenReady((engine) =>
          (engine[name] as (...args: unknown[]) => Promise<unknown>).apply(engine, args),
        ),
      ),
    );
  }

  async swap(next: EngineLike): Promise<void> {
    await this.restart(async () => next);
  }

  /**
   * Starts a new engine and switches to it, holding every call made meanwhile. A start that fails
   * leaves the old engine in place (the held calls go to it) and rejects.
   */
  async restart(start: () => Promise<EngineLike>): Promise<void> {
    const previous = this.pending;
    const done = (async () => {
      await previous;
      const next = await start();
      const old = this.current;
      this.current = next;
      await old.close();
    })();
    const settled = done.then(
      () => undefined,
      () => undefined,
    );
    this.pending = settled;
    void settled.then(() => {
      if (this.pending === settled) this.pending = null;
    });
    await done;
  }

  /** Calls `call` on the engine now, or on the new one once a restart under way has finished. */
  private whenReady<T>(call: (engine: EngineLike) => T | Promise<T>): Promise<T> {
    if (!this.pending) return Promise.resolve(call(this.current));
    return this.pending.then(() => call(this.current));
  }

  // The options carry the host's run id, which cancel() later names.
  run(doc: unknown, onEvent?: (event: EngineEvent) => void, options?: { runId?: string; front?: boolean }) {
    return this.whenReady((engine) => engine.run(doc, onEvent, options));
  }
  cancel(runId?: string) {
    // Held behind the runs held before it, so it reaches the engine that has them.
    void this.whenReady((engine) => engine.cancel(runId));
  }
  close() {
    // A restart under way finishes first, so the engine it starts is the one closed.
    return this.pending ? this.pending.then(() => this.current.close()) : this.current.close();
  }
}
