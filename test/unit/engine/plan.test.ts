import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../main/engine/compile/validate.ts';
import { Engine } from '../../../main/engine/execute/engine.ts';
import type { GraphDocument } from '../../../main/graph/schema.ts';
import { defineNode } from '../../../nodes/api.ts';
import { makeTestNodes, pipelineGraph, silentLogger, testRuntime } from './test-nodes.ts';

const upscale = defineNode({
  type: 'TDouble',
  displayName: 'Double',
  category: 'test',
  description: 'doubles a latent; optional extra model input',
  inputs: [
    { name: 'model', type: 'MODEL', optional: true },
    { name: 'latent', type: 'LATENT' },
  ],
  widgets: [],
  outputs: [{ name: 'latent', type: 'LATENT' }],
  run: async () => {
    throw new Error('not run in these tests');
  },
});

const { registry } = makeTestNodes([upscale]);
const planOf = (doc: GraphDocument) => {
  const compiled = compileGraph(doc, registry);
  return { ids: compiled.steps.map((s) => s.nodeId), problems: compiled.problems, steps: compiled.steps };
};

describe('plan', () => {
  it('runs only what output nodes need, inputs first, in a stable order', () => {
    const doc = pipelineGraph();
    doc.nodes.orphan = { type: 'TEmpty', widgets: {} };
    expect(planOf(doc).ids).toEqual(['load', 'encode', 'empty', 'sample', 'save']);
    expect(planOf(doc).ids).toEqual(planOf(JSON.parse(JSON.stringify(doc))).ids);
  });

  it('fills widget defaults for widgets the file leaves out', () => {
    const sample = planOf(pipelineGraph()).steps.find((s) => s.nodeId === 'sample');
    expect(sample?.widgets).toEqual({ seed: 1, steps: 2, cfg: 7, sampler: 'euler', step_ms: 0 });
  });

  it('passes a bypassed node its first input of the matching type', () => {
    const doc = pipelineGraph();
    doc.nodes.double = { type: 'TDouble', widgets: {}, bypass: true };
    doc.edges = doc.edges.filter((e) => e.to[0] !== 'save');
    doc.edges.push(
      { from: ['load', 'model'], to: ['double', 'model'] },
      { from: ['sample', 'latent'], to: ['double', 'latent'] },
      { from: ['double', 'latent'], to: ['save', 'latent'] },
    );
    const { ids, steps, problems } = planOf(doc);
    expect(problems).toEqual([]);
    expect(ids).not.toContain('double');
    expect(steps.at(-1)?.inputs).toEqual([
      { name: 'latent', source: { nodeId: 'sample', output: 'latent' }, widget: undefined },
    ]);
  });

  it('reports a bypassed node with nothing of the needed type to pass on', () => {
    const doc = pipelineGraph();
    doc.nodes.double = { type: 'TDouble', widgets: {}, bypass: true };
    doc.edges = doc.edges.filter((e) => e.to[0] !== 'save');
    doc.edges.push({ from: ['double', 'latent'], to: ['save', 'latent'] });
    expect(planOf(doc).problems).toEqual([
      expect.objectContaining({ nodeId: 'save', field: 'latent', code: 'missing-input' }),
    ]);
  });

  it('skips muted nodes and the nodes that need them, keeping other outputs', () => {
    const doc = pipelineGraph();
    doc.nodes.save2 = { type: 'TSave', widgets: {} };
    doc.edges.push({ from: ['empty', 'latent'], to: ['save2', 'latent'] });
    doc.nodes.sample.mute = true;
    expect(planOf(doc)).toMatchObject({ ids: ['empty', 'save2'], problems: [] });
  });

  it('drops an optional input fed by a muted node', () => {
    const doc = pipelineGraph();
    doc.nodes.encode2 = { type: 'TEncode', widgets: { text: 'neg' }, mute: true };
    doc.edges.push(
      { from: ['load', 'clip'], to: ['encode2', 'clip'] },
      { from: ['encode2', 'conditioning'], to: ['sample', 'negative'] },
    );
    const { ids, steps } = planOf(doc);
    expect(ids).toEqual(['load', 'encode', 'empty', 'sample', 'save']);
    expect(steps.find((s) => s.nodeId === 'sample')?.inputs.map((i) => i.name)).toEqual([
      'model',
      'positive',
      'latent',
    ]);
  });

  it('says so when every output node needs a muted node', () => {
    const doc = pipelineGraph();
    doc.nodes.load.mute = true;
    expect(planOf(doc).problems).toEqual([expect.objectContaining({ nodeId: null, code: 'no-output-node' })]);
  });

  it('feeds widgets from primitive wires', async () => {
    const nodes = makeTestNodes((await import('../../../nodes/primitives.ts')).primitiveNodes);
    const engine = new Engine({ registry: nodes.registry, runtime: testRuntime(), logger: silentLogger });
    const doc = pipelineGraph();
    doc.nodes.seed = { type: 'Int', widgets: { value: 4 } };
    doc.nodes.prompt = { type: 'String', widgets: { value: 'abc' } };
    doc.edges.push(
      { from: ['seed', 'int'], to: ['sample', 'seed'] },
      { from: ['prompt', 'string'], to: ['encode', 'text'] },
    );
    const result = await engine.run(doc);
    // (seed 4 + len("abc") 3) per step, 2 steps, 8 cells
    expect(result.outputs[0].meta).toEqual({ sum: 112 });
  });
});
