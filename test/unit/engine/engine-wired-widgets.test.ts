// Wired widget values checked against the widget spec at run time, and bypass handing a node's input
// straight through.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../main/engine/execute/engine.ts';
import { defineNode } from '../../../nodes/api.ts';
import { collect, setup } from './engine-run-setup.ts';
import { makeTestNodes, pipelineGraph, silentLogger, testRuntime } from './test-nodes.ts';

describe('wired widgets and bypass at run time', () => {
  it('checks a wired widget value against the widget spec', async () => {
    // A value only known at run time (a primitive's constant is already checked by validation).
    const computed = defineNode({
      type: 'TZero',
      displayName: 'Zero',
      category: 'test',
      description: 'computes 0',
      inputs: [],
      widgets: [],
      outputs: [{ name: 'int', type: 'INT' }],
      run: async () => ({ int: 0 }),
    });
    const nodes = makeTestNodes([computed]);
    const engine = new Engine({ registry: nodes.registry, runtime: testRuntime(), logger: silentLogger });
    const doc = pipelineGraph();
    doc.nodes.steps = { type: 'TZero', widgets: {} };
    doc.edges.push({ from: ['steps', 'int'], to: ['sample', 'steps'] });
    const { result } = await collect(engine, doc);
    expect(result.error).toEqual({
      nodeId: 'sample',
      message:
        'Node "sample" (TSample) failed: steps: wired value for widget "steps": 0 is below the minimum 1',
    });
  });

  it('refuses a wired primitive constant that breaks the widget spec before running', async () => {
    const { primitiveNodes } = await import('../../../nodes/primitives.ts');
    const nodes = makeTestNodes(primitiveNodes);
    const engine = new Engine({ registry: nodes.registry, runtime: testRuntime(), logger: silentLogger });
    const doc = pipelineGraph();
    doc.nodes.steps = { type: 'Int', widgets: { value: 0 } };
    doc.edges.push({ from: ['steps', 'int'], to: ['sample', 'steps'] });
    const { result } = await collect(engine, doc);
    expect(result.error?.message).toMatch(
      /sample\.steps: Widget "steps" is wired to node "steps", whose value fails: 0 is below the minimum 1/,
    );
    expect(nodes.calls).toEqual([]);
  });

  it('a bypassed sampler hands its latent input straight to the next node', async () => {
    const { engine, nodes } = setup();
    const doc = pipelineGraph();
    doc.nodes.sample.bypass = true;
    const { result } = await collect(engine, doc);
    expect(nodes.calls).toEqual(['empty', 'save']);
    expect(result.outputs[0].meta).toEqual({ sum: 0 });
  });
});
