// "Queue at front" (Ctrl+Shift+Enter, ComfyUI's `front`): a run that goes ahead of the waiting
// runs, never ahead of the one already running.
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../main/engine/events.ts';
import { Engine } from '../../../main/engine/execute/engine.ts';
import { RunQueue } from '../../../main/host/run-queue.ts';
import type { HostEvent } from '../../../main/host/shared/api.ts';
import { FakeEngine, settle } from '../host/fake-engine.ts';
import { makeTestNodes, pipelineGraph, silentLogger, testRuntime } from './test-nodes.ts';

describe('Engine queue at front', () => {
  it('runs a front run after the running one and before the waiting ones', async () => {
    const nodes = makeTestNodes();
    const engine = new Engine({ registry: nodes.registry, runtime: testRuntime(), logger: silentLogger });
    const started: string[] = [];
    const onEvent = (e: EngineEvent) => {
      if (e.type === 'run-started') started.push(e.runId);
    };
    const runs = [
      engine.run(pipelineGraph({ seed: 1 }), { runId: 'first', onEvent }),
      engine.run(pipelineGraph({ seed: 2 }), { runId: 'second', onEvent }),
      engine.run(pipelineGraph({ seed: 3 }), { runId: 'third', onEvent }),
    ];
    // Let `first` start before the front run is queued, as a user pressing Ctrl+Shift+Enter would.
    await new Promise((resolve) => setTimeout(resolve, 0));
    runs.push(engine.run(pipelineGraph({ seed: 4 }), { runId: 'urgent', onEvent, front: true }));
    const results = await Promise.all(runs);
    expect(started).toEqual(['first', 'urgent', 'second', 'third']);
    expect(results.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done']);
  });

  it('cancel() without an id stops the running run, not the front run waiting', async () => {
    const nodes = makeTestNodes();
    const engine = new Engine({ registry: nodes.registry, runtime: testRuntime(), logger: silentLogger });
    const slow = pipelineGraph();
    slow.nodes.sample.widgets = { seed: 1, steps: 1000, step_ms: 1 };
    const running = engine.run(slow, { runId: 'slow' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const front = engine.run(pipelineGraph(), { runId: 'next', front: true });
    engine.cancel();
    expect((await running).status).toBe('cancelled');
    expect((await front).status).toBe('done');
  });
});

describe('RunQueue queue at front', () => {
  it('lists a front run ahead of the waiting runs and tells the engine', async () => {
    const engine = new FakeEngine();
    const events: HostEvent[] = [];
    let n = 0;
    const queue = new RunQueue({ engine, emit: (e) => events.push(e), newRunId: () => `run-${++n}` });
    const graph = (title: string) => ({ format: 'diffgraph', version: 1, title, nodes: {}, edges: [] });
    queue.enqueue(graph('A'), 'A');
    queue.enqueue(graph('B'), 'B');
    queue.enqueue(graph('C'), 'C', { front: true });
    expect(queue.state().items.map((i) => `${i.title}:${i.state}`)).toEqual([
      'A:running',
      'C:queued',
      'B:queued',
    ]);
    engine.finish();
    await settle();
    expect(engine.started.map((r) => (r.graph as { title: string }).title)).toEqual(['A', 'C']);
    engine.finish();
    await settle();
    engine.finish();
    await queue.idle();
    expect(engine.started.map((r) => (r.graph as { title: string }).title)).toEqual(['A', 'C', 'B']);
  });
});
