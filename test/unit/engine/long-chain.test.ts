// Regression: a 10,000-node chain overflowed the stack in the planner's
// recursive visit. Walks are iterative now: 100,000 nodes validate, and a long chain runs.
import { describe, expect, it } from 'vitest';
import { walkPostOrder } from '../../../main/engine/compile/graph-walk.ts';
import { validateGraph } from '../../../main/engine/compile/validate.ts';
import { Engine } from '../../../main/engine/execute/engine.ts';
import type { GraphDocument } from '../../../main/graph/schema.ts';
import { defineNode } from '../../../nodes/api.ts';
import { makeTestNodes, silentLogger, testRuntime } from './test-nodes.ts';

const pass = defineNode({
  type: 'TPass',
  displayName: 'Pass',
  category: 'test',
  description: 'hands its latent on',
  inputs: [{ name: 'latent', type: 'LATENT' }],
  widgets: [],
  outputs: [{ name: 'latent', type: 'LATENT' }],
  run: async (_ctx, inputs) => ({ latent: inputs.latent }),
});

/** TEmpty -> n × TPass -> TSave, every third pass node bypassed. */
function chain(length: number): GraphDocument {
  const nodes: GraphDocument['nodes'] = { empty: { type: 'TEmpty', widgets: { width: 1, height: 1 } } };
  const edges: GraphDocument['edges'] = [];
  let previous = 'empty';
  for (let i = 0; i < length; i++) {
    const id = `p${i}`;
    nodes[id] = { type: 'TPass', widgets: {}, ...(i % 3 === 2 ? { bypass: true } : {}) };
    edges.push({ from: [previous, 'latent'], to: [id, 'latent'] });
    previous = id;
  }
  nodes.save = { type: 'TSave', widgets: { prefix: 'out' } };
  edges.push({ from: [previous, 'latent'], to: ['save', 'latent'] });
  return { format: 'diffgraph', version: 1, nodes, edges };
}

describe('long chains', () => {
  it('validates a 100,000-node chain', () => {
    const { registry } = makeTestNodes([pass]);
    expect(validateGraph(chain(100_000), registry)).toEqual([]);
  }, 60_000);

  it('runs a 10,000-node chain end to end', async () => {
    const { registry, calls } = makeTestNodes([pass]);
    const engine = new Engine({ registry, runtime: testRuntime(), logger: silentLogger });
    const result = await engine.run(chain(10_000));
    expect(result.status).toBe('done');
    expect(calls).toEqual(['empty', 'save']);
  }, 60_000);

  it('reports a loop in a long chain instead of overflowing', () => {
    const { registry } = makeTestNodes([pass]);
    const doc = chain(10_000);
    doc.edges.push({ from: ['p9999', 'latent'], to: ['p0', 'latent'] });
    const problems = validateGraph(doc, registry);
    expect(problems.map((p) => p.code)).toContain('cycle');
  }, 60_000);

  it('walkPostOrder finishes children first, each node once, and skips loops', () => {
    const graph: Record<string, string[]> = { a: ['b', 'c'], b: ['d'], c: ['d', 'a'], d: [] };
    const order: string[] = [];
    const done = new Set<string>();
    walkPostOrder(
      'a',
      (id) => graph[id],
      (id) => done.has(id),
      (id) => {
        done.add(id);
        order.push(id);
      },
    );
    expect(order).toEqual(['d', 'b', 'c', 'a']);
  });
});
