// The engine end of the protocol: answers the method table's calls with an implementation, over
// any port (the worker thread's parentPort, an Electron utility process's parentPort).

import { remoteMethods } from '../../rpc/remote-methods.ts';
import type { EngineEvent } from '../events.ts';
import {
  ENGINE_CALL_NAMES,
  type EngineCalls,
  type EngineLike,
  PASS_THROUGH_NAMES,
  type PassThroughName,
} from './engine-calls.ts';
import type { FromEngine, ToEngine } from './protocol.ts';

export interface EnginePort {
  postMessage(message: FromEngine): void;
  onMessage(listener: (message: ToEngine) => void): void;
}

/** Answers calls until closed; `onClose` runs on a `close` request before `closed` is answered. */
export function serveEngineCalls(
  calls: EngineCalls,
  port: EnginePort,
  onClose: () => Promise<void> | void = () => {},
): void {
  port.onMessage((message) => {
    if (message.kind === 'close') {
      Promise.resolve()
        .then(onClose)
        .catch(() => {})
        .finally(() => port.postMessage({ kind: 'closed' }));
      return;
    }
    if (message.kind !== 'call') return;
    const { id, method, args } = message;
    if (!ENGINE_CALL_NAMES.includes(method)) {
      port.postMessage({ kind: 'reply', id, ok: false, message: `unknown engine method "${method}"` });
      return;
    }
    const handler = calls[method] as (...args: unknown[]) => Promise<unknown>;
    Promise.resolve()
      .then(() => handler.apply(calls, args))
      .then(
        (result) => port.postMessage({ kind: 'reply', id, ok: true, result }),
        (error: unknown) =>
          port.postMessage({
            kind: 'reply',
            id,
            ok: false,
            message: error instanceof Error ? error.message : String(error),
          }),
      );
  });
}

/** The method table over an EngineLike (an engine one transport further in), events to `emit`. */
export function engineCallsOf(engine: EngineLike, emit: (event: EngineEvent) => void): EngineCalls {
  const passThrough = remoteMethods<EngineCalls, PassThroughName>(PASS_THROUGH_NAMES, (name, args) =>
    (engine[name] as (...args: unknown[]) => Promise<unknown>).apply(engine, args),
  );
  return {
    ...passThrough,
    run: (doc, runId, front) => engine.run(doc, emit, { runId, front }),
    cancel: async (runId) => engine.cancel(runId),
  };
}
