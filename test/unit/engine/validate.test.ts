import { describe, expect, it } from 'vitest';
import { formatProblem, validateGraph } from '../../../main/engine/compile/validate.ts';
import type { GraphProblem } from '../../../main/engine/events.ts';
import { parseGraphJson } from '../../../main/graph/load.ts';
import type { GraphDocument } from '../../../main/graph/schema.ts';
import { primitiveNodes } from '../../../nodes/primitives.ts';
import { makeTestNodes, pipelineGraph } from './test-nodes.ts';

const { registry } = makeTestNodes();

function problemsOf(doc: unknown): GraphProblem[] {
  return validateGraph(doc, registry);
}

function mutate(change: (doc: GraphDocument) => void): GraphDocument {
  const doc = pipelineGraph();
  change(doc);
  return doc;
}

describe('validateGraph', () => {
  it('accepts the pipeline graph', () => {
    expect(problemsOf(pipelineGraph())).toEqual([]);
  });

  it('reports an unknown node type and still checks the rest', () => {
    const problems = problemsOf(
      mutate((doc) => {
        doc.nodes.mystery = { type: 'FromAPlugin', widgets: { x: 1 } };
        doc.nodes.sample.widgets.steps = 0;
      }),
    );
    expect(problems.map((p) => [p.nodeId, p.code])).toEqual([
      ['sample', 'bad-widget-value'],
      ['mystery', 'unknown-node-type'],
    ]);
    expect(problems[1].message).toContain('"FromAPlugin"');
  });

  it('reports a missing required input but not a missing optional one', () => {
    const problems = problemsOf(
      mutate((doc) => (doc.edges = doc.edges.filter((e) => e.to[1] !== 'positive'))),
    );
    expect(problems).toEqual([
      expect.objectContaining({ nodeId: 'sample', field: 'positive', code: 'missing-input' }),
    ]);
    expect(problems[0].message).toContain('CONDITIONING');
  });

  it('reports a socket type mismatch naming both types', () => {
    const problems = problemsOf(
      mutate((doc) => {
        const edge = doc.edges.find((e) => e.to[1] === 'positive');
        if (edge) edge.from = ['empty', 'latent'];
      }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ nodeId: 'sample', field: 'positive', code: 'type-mismatch' });
    expect(problems[0].message).toMatch(/CONDITIONING.*LATENT/);
  });

  it('requires wires into widgets to carry the widget primitive type', () => {
    const { registry: withPrimitives } = makeTestNodes(primitiveNodes);
    const doc = pipelineGraph();
    doc.nodes.seed = { type: 'Int', widgets: { value: 5 } };
    doc.nodes.cfg = { type: 'Int', widgets: { value: 5 } };
    doc.edges.push(
      { from: ['seed', 'int'], to: ['sample', 'seed'] },
      { from: ['cfg', 'int'], to: ['sample', 'cfg'] },
    );
    const problems = validateGraph(doc, withPrimitives);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ nodeId: 'sample', field: 'cfg', code: 'type-mismatch' });
    expect(problems[0].message).toMatch(/FLOAT.*INT/);
  });

  it('names the nodes of a cycle', () => {
    const problems = problemsOf(
      mutate((doc) => {
        doc.edges = doc.edges.filter((e) => e.to[1] !== 'latent' || e.to[0] !== 'sample');
        doc.nodes.sample2 = { type: 'TSample', widgets: {} };
        doc.edges.push(
          { from: ['sample2', 'latent'], to: ['sample', 'latent'] },
          { from: ['sample', 'latent'], to: ['sample2', 'latent'] },
          { from: ['load', 'model'], to: ['sample2', 'model'] },
          { from: ['encode', 'conditioning'], to: ['sample2', 'positive'] },
        );
      }),
    );
    expect(problems).toEqual([
      { nodeId: 'sample', code: 'cycle', message: 'Wires form a loop: sample -> sample2 -> sample' },
    ]);
  });

  it('reports edges to missing nodes and ports', () => {
    const problems = problemsOf(
      mutate((doc) => {
        doc.edges.push({ from: ['ghost', 'latent'], to: ['save', 'latent'] });
        doc.edges.push({ from: ['empty', 'pixels'], to: ['sample', 'negative'] });
        doc.edges.push({ from: ['encode', 'conditioning'], to: ['sample', 'nonsense'] });
      }),
    );
    expect(problems.map((p) => [p.nodeId, p.field, p.code])).toEqual([
      ['save', 'latent', 'missing-node'],
      ['empty', 'pixels', 'missing-port'],
      ['sample', 'nonsense', 'missing-port'],
      ['save', 'latent', 'multiple-wires'],
    ]);
    expect(problems[0].message).toContain('"ghost"');
    expect(problems[1].message).toContain('outputs: latent');
    expect(problems[2].message).toContain('widgets: seed, steps, cfg, sampler, step_ms');
  });

  it('reports wrong widget types, ranges and enum values', () => {
    const problems = problemsOf(
      mutate((doc) => {
        doc.nodes.sample.widgets = { seed: 1.5, steps: 20000, cfg: 'high', sampler: 'heun' };
        doc.nodes.empty.widgets.width = '4';
      }),
    );
    expect(problems.map((p) => `${p.nodeId}.${p.field}`)).toEqual([
      'empty.width',
      'sample.seed',
      'sample.steps',
      'sample.cfg',
      'sample.sampler',
    ]);
    expect(problems.every((p) => p.code === 'bad-widget-value')).toBe(true);
    expect(problems[2].message).toContain('above the maximum 10000');
    expect(problems[4].message).toContain('euler, ddim');
  });

  it('reports more than one wire into an input', () => {
    const problems = problemsOf(
      mutate((doc) => doc.edges.push({ from: ['empty', 'latent'], to: ['save', 'latent'] })),
    );
    expect(problems).toEqual([
      expect.objectContaining({ nodeId: 'save', field: 'latent', code: 'multiple-wires' }),
    ]);
    expect(problems[0].message).toContain('node "sample"');
    expect(problems[0].message).toContain('node "empty"');
  });

  it('reports a graph without an output node', () => {
    const problems = problemsOf(
      mutate((doc) => {
        delete doc.nodes.save;
        doc.edges = doc.edges.filter((e) => e.to[0] !== 'save');
      }),
    );
    expect(problems).toEqual([expect.objectContaining({ nodeId: null, code: 'no-output-node' })]);
  });

  it('reports duplicate node ids found in the file text alongside other problems', () => {
    const text = JSON.stringify(pipelineGraph()).replace(
      '"save":{',
      '"empty":{"type":"TEmpty","widgets":{}},"save":{',
    );
    const loaded = parseGraphJson(text.replace('"steps":2', '"steps":-1'), 'dup.json');
    const problems = [...loaded.problems, ...problemsOf(loaded.doc)];
    expect(problems.map((p) => [p.nodeId, p.code])).toEqual([
      ['empty', 'duplicate-id'],
      ['sample', 'bad-widget-value'],
    ]);
  });

  it('reports a document that is not a graph', () => {
    expect(problemsOf({ nodes: {} })[0]).toMatchObject({ nodeId: null, code: 'bad-document' });
    const problems = problemsOf({
      format: 'diffgraph',
      version: 1,
      nodes: { a: { widgets: {} } },
      edges: [],
    });
    expect(problems[0]).toMatchObject({ nodeId: 'a', field: 'type', code: 'bad-document' });
  });

  it('reports every problem of a badly broken graph at once', () => {
    const problems = problemsOf(
      mutate((doc) => {
        doc.nodes.x = { type: 'Nope', widgets: {} };
        doc.nodes.sample.widgets.sampler = 'bad';
        doc.edges = doc.edges.filter((e) => e.to[1] !== 'model');
        doc.edges.push({ from: ['load', 'clip'], to: ['sample', 'positive'] });
      }),
    );
    expect(new Set(problems.map((p) => p.code))).toEqual(
      new Set(['unknown-node-type', 'bad-widget-value', 'missing-input', 'type-mismatch', 'multiple-wires']),
    );
  });
});

describe('formatProblem', () => {
  it('puts the node id first on one line', () => {
    const line = formatProblem({
      nodeId: 'sample',
      field: 'steps',
      code: 'bad-widget-value',
      message: 'a\nb',
    });
    expect(line).toBe('sample.steps: a b [bad-widget-value]');
    expect(formatProblem({ nodeId: null, code: 'no-output-node', message: 'none' })).toBe(
      '(graph): none [no-output-node]',
    );
  });
});
