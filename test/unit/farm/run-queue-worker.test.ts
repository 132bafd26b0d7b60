// `serve --redis`: the editor's queue entry names the farm worker running it, once one takes it.
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../main/engine/events.ts';
import type { RunOptions } from '../../../main/engine/transport/engine-calls.ts';
import { RunQueue } from '../../../main/host/run-queue.ts';
import type { HostEvent, QueueItem } from '../../../main/host/shared/api.ts';

describe('RunQueue with a farm engine', () => {
  it('shows the worker on the running entry as soon as the engine reports it', async () => {
    const events: HostEvent[] = [];
    let assign: (worker: string) => void = () => {};
    let finish: () => void = () => {};
    const engine = {
      run: (_doc: unknown, onEvent: (event: EngineEvent) => void, options?: RunOptions) =>
        new Promise<{ runId: string; status: 'done'; ms: number; outputs: [] }>((resolve) => {
          // As the farm engine does: run-started once a worker takes the job, then the worker's name.
          assign = (worker) => {
            onEvent({ type: 'run-started', runId: options?.runId ?? '', plan: [] });
            options?.onWorker?.(worker);
          };
          finish = () => resolve({ runId: options?.runId ?? '', status: 'done', ms: 1, outputs: [] });
        }),
      cancel: () => {},
    };
    const queue = new RunQueue({ engine, emit: (e) => events.push(e), newRunId: () => 'r1', now: () => 5 });
    queue.enqueue({}, 'A');
    expect(queue.state().items[0]).toEqual({ runId: 'r1', title: 'A', state: 'queued', queuedAt: 5 });
    assign('gpu-01');
    expect(queue.state().items[0].state).toBe('running');
    expect(queue.state().items[0].worker).toBe('gpu-01');
    const lastQueue = events.filter((e) => e.type === 'queue').at(-1) as { queue: { items: QueueItem[] } };
    expect(lastQueue.queue.items[0].worker).toBe('gpu-01');
    finish();
    await queue.idle();
    expect(queue.state().items).toEqual([]);
  });
});
