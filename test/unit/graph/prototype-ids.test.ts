// Regression: node ids that are Object.prototype names crashed validate/run
// with a stack trace, edges to them passed validation, and "__proto__" silently vanished.
import { describe, expect, it } from 'vitest';
import { validateGraph } from '../../../main/engine/compile/validate.ts';
import { Engine } from '../../../main/engine/execute/engine.ts';
import { parseGraphJson } from '../../../main/graph/load.ts';
import { makeTestNodes, pipelineGraph, silentLogger, testRuntime } from '../engine/test-nodes.ts';

const RENAME: Record<string, string> = {
  load: 'constructor',
  encode: 'toString',
  empty: '__proto__',
  sample: 'valueOf',
  save: 'hasOwnProperty',
};

/** The test pipeline as JSON text with every node id replaced by a prototype name. */
function prototypeGraphText(): string {
  const doc = pipelineGraph();
  const nodes = Object.entries(doc.nodes).map(
    ([id, node]) => `${JSON.stringify(RENAME[id])}:${JSON.stringify(node)}`,
  );
  const edges = doc.edges.map((edge) => ({
    from: [RENAME[edge.from[0]], edge.from[1]],
    to: [RENAME[edge.to[0]], edge.to[1]],
  }));
  return `{"format":"diffgraph","version":1,"nodes":{${nodes.join(',')}},"edges":${JSON.stringify(edges)}}`;
}

describe('node ids that are Object.prototype names', () => {
  it('keep every node, "__proto__" included, as an own key', () => {
    const { doc } = parseGraphJson(prototypeGraphText(), 'proto.json');
    expect(Object.keys(doc.nodes).sort()).toEqual(Object.values(RENAME).sort());
    expect(Object.getPrototypeOf(doc.nodes)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(doc.nodes, '__proto__')?.value).toMatchObject({ type: 'TEmpty' });
  });

  it('validate and run like any other ids', async () => {
    const { registry, calls } = makeTestNodes();
    const raw = JSON.parse(prototypeGraphText());
    expect(validateGraph(raw, registry)).toEqual([]);
    const engine = new Engine({ registry, runtime: testRuntime(), logger: silentLogger });
    const result = await engine.run(raw);
    expect(result.status).toBe('done');
    expect(calls).toEqual(
      expect.arrayContaining(['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty']),
    );
  });

  it('a wire to a prototype name that is not a node is a missing node, not a crash', () => {
    const { registry } = makeTestNodes();
    for (const missing of ['constructor', 'toString', '__proto__', 'valueOf']) {
      const doc = pipelineGraph();
      doc.edges.push({ from: [missing, 'latent'], to: ['save', 'latent'] });
      const problems = validateGraph(JSON.parse(JSON.stringify(doc)), registry);
      expect(problems).toContainEqual(
        expect.objectContaining({
          code: 'missing-node',
          message: expect.stringContaining(`missing node "${missing}"`),
        }),
      );
    }
  });

  it('an empty id is a clear error', () => {
    const { registry } = makeTestNodes();
    const problems = validateGraph(
      { format: 'diffgraph', version: 1, nodes: { '': { type: 'TSave' } }, edges: [] },
      registry,
    );
    expect(problems).toEqual([
      expect.objectContaining({ code: 'bad-document', message: expect.stringMatching(/must not be empty/) }),
    ]);
  });
});
