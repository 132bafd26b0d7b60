// Score nodes show their output values: the engine puts them on node-done, the editor keeps them.
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../main/engine/events.ts';
import { Engine } from '../../../main/engine/execute/engine.ts';
import { defaultRegistry } from '../../../main/engine/registry.ts';
import { defineNode } from '../../../nodes/api.ts';
import { applyHostEvent, emptyRunView } from '../../../renderer/src/store/run-state.ts';
import { makeTestNodes, pipelineGraph, silentLogger, testRuntime } from './test-nodes.ts';

const scoring = defineNode({
  type: 'TScore',
  displayName: 'Score',
  category: 'test',
  description: 'a score, a flag, a long text and a tensor-like object',
  inputs: [{ name: 'latent', type: 'LATENT' }],
  widgets: [],
  outputs: [
    { name: 'score', type: 'FLOAT' },
    { name: 'ok', type: 'BOOLEAN' },
    { name: 'note', type: 'STRING' },
    { name: 'latent', type: 'LATENT' },
  ],
  output: true,
  showOutputValues: true,
  run: async (_ctx, inputs) => ({
    score: 0.0421,
    ok: true,
    note: 'x'.repeat(500),
    latent: inputs.latent,
  }),
});

async function runWithScore() {
  const nodes = makeTestNodes([scoring]);
  const engine = new Engine({ registry: nodes.registry, runtime: testRuntime(), logger: silentLogger });
  const doc = pipelineGraph();
  doc.nodes.score = { type: 'TScore', widgets: {} };
  doc.edges.push({ from: ['sample', 'latent'], to: ['score', 'latent'] });
  const events: EngineEvent[] = [];
  const result = await engine.run(doc, { runId: 'r', onEvent: (e) => events.push(e) });
  return { events, result };
}

describe('output values shown on nodes', () => {
  it('node-done carries the numbers, booleans and (cut) texts of a node that shows its values', async () => {
    const { events, result } = await runWithScore();
    expect(result.status).toBe('done');
    const done = events.filter((e) => e.type === 'node-done');
    const score = done.find((e) => e.nodeId === 'score');
    expect(score?.type === 'node-done' && score.values).toEqual({
      score: 0.0421,
      ok: true,
      note: 'x'.repeat(200),
    });
    // Other nodes send no values.
    expect(done.filter((e) => e.type === 'node-done' && e.values !== undefined)).toHaveLength(1);
  });

  it('the editor keeps the values of the node for the run', async () => {
    const { events } = await runWithScore();
    const view = events.reduce((v, e) => applyHostEvent(v, e, (p) => p, 1), emptyRunView());
    expect(view.nodes.score?.values?.score).toBe(0.0421);
    expect(view.nodes.sample?.values).toBeUndefined();
  });

  it('FID, KID and CLIPScore show their scores', () => {
    const registry = defaultRegistry();
    for (const type of ['FID', 'KID', 'CLIPScore']) expect(registry.get(type)?.showOutputValues).toBe(true);
  });
});
