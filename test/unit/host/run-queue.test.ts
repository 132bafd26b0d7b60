import { describe, expect, it } from 'vitest';
import { MAX_QUEUED_BYTES, MAX_QUEUED_RUNS, RunQueue } from '../../../main/host/run-queue.ts';
import type { HostEvent } from '../../../main/host/shared/api.ts';
import { FakeEngine, settle } from './fake-engine.ts';

function setup() {
  const engine = new FakeEngine();
  const events: HostEvent[] = [];
  let n = 0;
  const queue = new RunQueue({
    engine,
    emit: (e) => events.push(e),
    newRunId: () => `run-${++n}`,
    now: () => 1000,
  });
  return { engine, events, queue };
}

const graph = (title: string) => ({ format: 'diffgraph', version: 1, title, nodes: {}, edges: [] });

describe('RunQueue', () => {
  it('runs queued graphs one at a time in FIFO order', async () => {
    const { engine, queue } = setup();
    const a = queue.enqueue(graph('A'), 'A');
    const b = queue.enqueue(graph('B'), 'B');
    expect(queue.state().items.map((i) => [i.runId, i.state])).toEqual([
      [a, 'running'],
      [b, 'queued'],
    ]);
    expect(engine.started.map((r) => (r.graph as { title: string }).title)).toEqual(['A']);
    engine.finish();
    await settle();
    expect(engine.started.map((r) => (r.graph as { title: string }).title)).toEqual(['A', 'B']);
    expect(queue.state().items.map((i) => [i.runId, i.state])).toEqual([[b, 'running']]);
    engine.finish();
    await queue.idle();
    expect(queue.state().items).toEqual([]);
  });

  it('gives the engine the id queue() returned, and ends each run with run-result', async () => {
    const { engine, events, queue } = setup();
    const id = queue.enqueue(graph('A'));
    expect(engine.started[0].engineRunId).toBe(id);
    engine.finish([{ kind: 'image', path: '/out/x.png' }]);
    await queue.idle();
    const runEvents = events.filter((e) => e.type !== 'queue');
    expect(runEvents.map((e) => e.type)).toEqual(['run-started', 'node-progress', 'run-done', 'run-result']);
    for (const e of runEvents) {
      const runId = e.type === 'run-result' ? e.result.runId : 'runId' in e ? e.runId : null;
      expect(runId).toBe(id);
    }
    const result = runEvents.at(-1);
    expect(result?.type === 'run-result' && result.result.outputs).toEqual([
      { kind: 'image', path: '/out/x.png' },
    ]);
  });

  it('announces the queue on every change', async () => {
    const { engine, events, queue } = setup();
    queue.enqueue(graph('A'), 'A');
    queue.enqueue(graph('B'), 'B');
    engine.finish();
    await settle();
    const snapshots = events.flatMap((e) =>
      e.type === 'queue' ? [e.queue.items.map((i) => `${i.title}:${i.state}`)] : [],
    );
    expect(snapshots).toEqual([
      ['A:queued'],
      ['A:running'],
      ['A:running', 'B:queued'],
      ['B:queued'],
      ['B:running'],
    ]);
  });

  it('cancels a queued run at once and tells the engine to skip it', async () => {
    const { engine, events, queue } = setup();
    queue.enqueue(graph('A'));
    const b = queue.enqueue(graph('B'));
    queue.cancel(b);
    expect(engine.cancelCalls).toEqual([b]);
    expect(queue.state().items.map((i) => i.runId)).not.toContain(b);
    const result = events.find((e) => e.type === 'run-result' && e.result.runId === b);
    expect(result).toEqual({
      type: 'run-result',
      result: { runId: b, status: 'cancelled', ms: 0, outputs: [] },
    });
    engine.finish();
    await queue.idle();
    expect(engine.started).toHaveLength(1);
    expect(events.filter((e) => e.type === 'run-result' && e.result.runId === b)).toHaveLength(1);
  });

  it('cancels the running run through the engine and moves on', async () => {
    const { engine, events, queue } = setup();
    const a = queue.enqueue(graph('A'));
    const b = queue.enqueue(graph('B'));
    queue.cancel(a);
    expect(engine.cancelCalls).toEqual([a]);
    await settle();
    expect(events.find((e) => e.type === 'run-result' && e.result.runId === a)).toMatchObject({
      result: { status: 'cancelled' },
    });
    expect(engine.started).toHaveLength(2);
    queue.cancel();
    await queue.idle();
    expect(engine.cancelCalls).toEqual([a, b]);
  });

  it('ignores cancelling a run that already finished', async () => {
    const { engine, queue } = setup();
    const a = queue.enqueue(graph('A'));
    engine.finish();
    await queue.idle();
    queue.cancel(a);
    expect(engine.cancelCalls).toEqual([]);
  });

  it('reports an engine crash as the run failing and keeps serving the queue', async () => {
    const { engine, events, queue } = setup();
    const a = queue.enqueue(graph('A'));
    queue.enqueue(graph('B'));
    engine.crash('worker exited with code 1');
    await settle();
    expect(events).toContainEqual({
      type: 'run-failed',
      runId: a,
      nodeId: null,
      message: 'worker exited with code 1',
    });
    expect(events.find((e) => e.type === 'run-result' && e.result.runId === a)).toMatchObject({
      result: { status: 'failed', error: { message: 'worker exited with code 1' } },
    });
    expect(engine.active).not.toBeNull();
    engine.finish();
    await queue.idle();
  });
});

describe('RunQueue with an engine that picks its own run ids', () => {
  it('still stamps every event and the result with the id queue() returned', async () => {
    const engine = new FakeEngine();
    const events: HostEvent[] = [];
    const ownIds = {
      run: (doc: unknown, onEvent?: Parameters<FakeEngine['run']>[1]) => engine.run(doc, onEvent),
      cancel: (id?: string) => engine.cancel(id),
    };
    const queue = new RunQueue({ engine: ownIds, emit: (e) => events.push(e), newRunId: () => 'host-id' });
    queue.enqueue(graph('A'));
    expect(engine.started[0].engineRunId).toBe('engine-1');
    engine.finish();
    await queue.idle();
    const ids = events.flatMap((e) =>
      e.type === 'run-result' ? [e.result.runId] : 'runId' in e ? [e.runId] : [],
    );
    expect(ids).toEqual(['host-id', 'host-id', 'host-id', 'host-id']);
  });
});

// Regression: the queue was unbounded (10 queued 50 MB graphs took 1.2 GB).
describe('RunQueue bounds', () => {
  it('refuses runs beyond MAX_QUEUED_RUNS waiting, naming the limit, and accepts again once one starts', async () => {
    const { engine, queue } = setup();
    queue.enqueue(graph('running'));
    for (let i = 0; i < MAX_QUEUED_RUNS; i++) queue.enqueue(graph(`q${i}`));
    expect(() => queue.enqueue(graph('one too many'))).toThrow(
      expect.objectContaining({
        code: 'unavailable',
        message: expect.stringMatching(/run queue is full .*limits 32 runs/),
      }),
    );
    engine.finish();
    await settle();
    expect(() => queue.enqueue(graph('fits again'))).not.toThrow();
    queue.cancelAll();
  });

  it('refuses a graph that would take the waiting graphs past MAX_QUEUED_BYTES', () => {
    const { queue } = setup();
    queue.enqueue(graph('running'));
    const big = { ...graph('big'), description: 'x'.repeat(MAX_QUEUED_BYTES / 2) };
    queue.enqueue(big);
    expect(() => queue.enqueue(big)).toThrow(/run queue is full/);
    queue.cancelAll();
  });
});
