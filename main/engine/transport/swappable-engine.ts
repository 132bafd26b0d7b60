// Lets the desktop shell or `diffgraph serve` restart the engine (new models folder or device) under a host core that keeps
// its subscribers: calls go to the current engine; swap() closes the old one.

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
  constructor(private current: EngineLike) {
    Object.assign(
      this,
      remoteMethods<EngineCalls, PassThroughName>(PASS_THROUGH_NAMES, (name, args) =>
        (this.current[name] as (...args: unknown[]) => Promise<unknown>).apply(this.current, args),
      ),
    );
  }

  async swap(next: EngineLike): Promise<void> {
    const old = this.current;
    this.current = next;
    await old.close();
  }

  // The options carry the host's run id, which cancel() later names.
  run(doc: unknown, onEvent?: (event: EngineEvent) => void, options?: { runId?: string; front?: boolean }) {
    return this.current.run(doc, onEvent, options);
  }
  cancel(runId?: string) {
    this.current.cancel(runId);
  }
  close() {
    return this.current.close();
  }
}
