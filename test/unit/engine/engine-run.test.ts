// The engine running graphs: events in order, cached nodes, previews, node errors, cancel and the
// run queue.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../main/engine/events.ts';
import { Engine } from '../../../main/engine/execute/engine.ts';
import { defineNode } from '../../../nodes/api.ts';
import { brief, collect, setup } from './engine-run-setup.ts';
import { makeTestNodes, pipelineGraph, silentLogger, testRuntime } from './test-nodes.ts';

describe('Engine events', () => {
  it('streams run, node and progress events in order', async () => {
    const { engine } = setup();
    const { events, result } = await collect(engine, pipelineGraph());
    expect(events.map(brief)).toEqual([
      'run-started',
      'node-started:load',
      'node-done:load',
      'node-started:encode',
      'node-done:encode',
      'node-started:empty',
      'node-done:empty',
      'node-started:sample',
      'node-progress:sample',
      'node-progress:sample',
      'node-done:sample',
      'node-started:save',
      'node-output:save',
      'node-done:save',
      'run-done',
    ]);
    expect(events[0]).toEqual({
      type: 'run-started',
      runId: 'run-1',
      plan: ['load', 'encode', 'empty', 'sample', 'save'],
    });
    expect(events.every((e) => e.runId === 'run-1')).toBe(true);
    // (seed 1 + len("a cat") 5) added per step, 2 steps, over 8 latent cells
    expect(result).toMatchObject({
      status: 'done',
      outputs: [{ kind: 'latent', path: '/tmp/out.latent', meta: { sum: 96 } }],
    });
  });

  it('reports cached nodes on the next run', async () => {
    const { engine } = setup();
    await collect(engine, pipelineGraph());
    const { events } = await collect(engine, pipelineGraph({ seed: 9 }), 'run-2');
    expect(events.map(brief)).toEqual([
      'run-started',
      'node-cached:load',
      'node-cached:encode',
      'node-cached:empty',
      'node-started:sample',
      'node-progress:sample',
      'node-progress:sample',
      'node-done:sample',
      'node-started:save',
      'node-output:save',
      'node-done:save',
      'run-done',
    ]);
  });

  it('turns previews into PNG data URLs, keeping event order', async () => {
    const { engine } = setup();
    const doc = pipelineGraph();
    doc.nodes.preview = { type: 'TPreview', widgets: {} };
    doc.edges.push({ from: ['empty', 'latent'], to: ['preview', 'latent'] });
    const { events } = await collect(engine, doc);
    const mine = events.filter((e) => 'nodeId' in e && e.nodeId === 'preview').map((e) => e.type);
    expect(mine).toEqual([
      'node-started',
      'node-progress',
      'node-warning',
      'node-progress',
      'node-output',
      'node-done',
    ]);
    const first = events.find((e) => e.type === 'node-progress' && e.nodeId === 'preview');
    if (first?.type !== 'node-progress' || !first.preview) throw new Error('expected a preview');
    expect(first.preview).toMatchObject({ width: 2, height: 1 });
    const png = Buffer.from(first.preview.dataUrl.replace('data:image/png;base64,', ''), 'base64');
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([2, 1, 3]);
    expect([...data]).toEqual([255, 0, 0, 0, 0, 255]);
  });

  it('fails a run with graph problems before running anything', async () => {
    const { engine, nodes } = setup();
    const doc = pipelineGraph();
    doc.nodes.sample.widgets.steps = 0;
    const { events, result } = await collect(engine, doc);
    expect(nodes.calls).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'run-failed',
      nodeId: 'sample',
      problems: [{ code: 'bad-widget-value' }],
    });
    expect(result.status).toBe('failed');
  });
});

describe('node errors', () => {
  it('fails the run naming the node, and the engine stays usable', async () => {
    const { engine } = setup();
    const doc = pipelineGraph();
    doc.nodes.fail = { type: 'TFail', widgets: {} };
    doc.edges = doc.edges.filter((e) => e.to[0] !== 'save');
    doc.edges.push(
      { from: ['sample', 'latent'], to: ['fail', 'latent'] },
      { from: ['fail', 'latent'], to: ['save', 'latent'] },
    );
    const { events, result } = await collect(engine, doc);
    expect(events.slice(-2)).toEqual([
      { type: 'node-error', runId: 'run-1', nodeId: 'fail', message: 'latent: latent is too small' },
      {
        type: 'run-failed',
        runId: 'run-1',
        nodeId: 'fail',
        message: 'Node "fail" (TFail) failed: latent: latent is too small',
      },
    ]);
    expect(result).toMatchObject({ status: 'failed', error: { nodeId: 'fail' } });

    doc.nodes.fail.widgets.fail = false;
    const again = await collect(engine, doc, 'run-2');
    expect(again.result.status).toBe('done');
    // What ran before the failure was cached: only the repaired node and the output run now.
    expect(again.events.filter((e) => e.type === 'node-started').map(brief)).toEqual([
      'node-started:fail',
      'node-started:save',
    ]);
  });

  it('fails a node that leaves out a declared output', async () => {
    const lazy = defineNode({
      type: 'TLazy',
      displayName: 'Lazy',
      category: 'test',
      description: 'returns nothing',
      inputs: [],
      widgets: [],
      outputs: [{ name: 'latent', type: 'LATENT' }],
      run: async () => ({}),
    });
    const nodes = makeTestNodes([lazy]);
    const engine = new Engine({ registry: nodes.registry, runtime: testRuntime(), logger: silentLogger });
    const doc = pipelineGraph();
    doc.nodes.empty.type = 'TLazy';
    doc.nodes.empty.widgets = {};
    const { result } = await collect(engine, doc);
    expect(result.error).toEqual({
      nodeId: 'empty',
      message: 'Node "empty" (TLazy) failed: produced no value for output "latent"',
    });
  });
});

describe('cancel', () => {
  it('stops a looping node within one step and leaves the engine ready', async () => {
    const { engine, nodes } = setup();
    const doc = pipelineGraph();
    doc.nodes.sample.widgets = { seed: 1, steps: 1000, step_ms: 2 };
    const events: EngineEvent[] = [];
    let stepsWhenCancelled = 0;
    const result = await engine.run(doc, {
      runId: 'long',
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'node-progress' && event.step === 3) {
          stepsWhenCancelled = event.step;
          engine.cancel();
        }
      },
    });
    expect(result.status).toBe('cancelled');
    const progress = events.filter((e) => e.type === 'node-progress');
    expect(progress.length - stepsWhenCancelled).toBeLessThanOrEqual(1);
    expect(events.at(-1)).toEqual({ type: 'run-cancelled', runId: 'long' });
    expect(events.some((e) => e.type === 'node-error')).toBe(false);
    expect(nodes.calls).not.toContain('save');

    doc.nodes.sample.widgets = { seed: 1, steps: 2 };
    expect((await engine.run(doc)).status).toBe('done');
  });

  it('cancels through the caller signal and a queued run by id', async () => {
    const { engine } = setup();
    const slow = pipelineGraph();
    slow.nodes.sample.widgets = { seed: 1, steps: 1000, step_ms: 1 };
    const controller = new AbortController();
    const first = engine.run(slow, { runId: 'a', signal: controller.signal });
    const queuedEvents: EngineEvent[] = [];
    const second = engine.run(pipelineGraph(), { runId: 'b', onEvent: (e) => queuedEvents.push(e) });
    engine.cancel('b');
    setTimeout(() => controller.abort(), 20);
    expect((await first).status).toBe('cancelled');
    expect((await second).status).toBe('cancelled');
    expect(queuedEvents).toEqual([{ type: 'run-cancelled', runId: 'b' }]);
  });

  it('runs queued runs one at a time in order', async () => {
    const { engine } = setup();
    const order: string[] = [];
    const track = (e: EngineEvent) => {
      if (e.type === 'run-started' || e.type === 'run-done') order.push(`${e.type}:${e.runId}`);
    };
    await Promise.all([
      engine.run(pipelineGraph({ seed: 1 }), { runId: 'x', onEvent: track }),
      engine.run(pipelineGraph({ seed: 2 }), { runId: 'y', onEvent: track }),
    ]);
    expect(order).toEqual(['run-started:x', 'run-done:x', 'run-started:y', 'run-done:y']);
  });
});
