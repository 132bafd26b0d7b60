import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../main/engine/compile/validate.ts';
import { ResultCache } from '../../../main/engine/execute/cache.ts';
import { Engine } from '../../../main/engine/execute/engine.ts';
import { estimateBytes } from '../../../main/engine/execute/estimate-bytes.ts';
import { GraphRun } from '../../../main/engine/execute/run.ts';
import type { GraphDocument } from '../../../main/graph/schema.ts';
import { runtimeNodeServices } from '../../../main/services/index.ts';
import { makeTestNodes, pipelineGraph, silentLogger, testRuntime } from './test-nodes.ts';

function setup(cacheBytes?: number) {
  const nodes = makeTestNodes();
  const engine = new Engine({
    registry: nodes.registry,
    runtime: testRuntime(),
    cacheBytes,
    logger: silentLogger,
  });
  async function ran(doc: GraphDocument): Promise<string[]> {
    nodes.calls.length = 0;
    const result = await engine.run(doc);
    expect(result.status).toBe('done');
    return [...nodes.calls];
  }
  return { engine, nodes, ran };
}

describe('result cache', () => {
  it('runs everything the first time, then only the output node', async () => {
    const { ran } = setup();
    expect(await ran(pipelineGraph())).toEqual(['load', 'encode', 'empty', 'sample', 'save']);
    expect(await ran(pipelineGraph())).toEqual(['save']);
  });

  it('re-runs only the sampler and what follows when only the seed changes', async () => {
    const { ran } = setup();
    await ran(pipelineGraph({ seed: 1 }));
    expect(await ran(pipelineGraph({ seed: 2 }))).toEqual(['sample', 'save']);
  });

  it('re-runs the text encoder when the prompt changes', async () => {
    const { ran } = setup();
    await ran(pipelineGraph({ text: 'a cat' }));
    expect(await ran(pipelineGraph({ text: 'a dog' }))).toEqual(['encode', 'sample', 'save']);
  });

  it('ignores node ids, positions and titles', async () => {
    const { ran } = setup();
    await ran(pipelineGraph());
    const renamed = JSON.parse(
      JSON.stringify(pipelineGraph()).replaceAll('"encode"', '"text_1"').replaceAll('"load"', '"ld"'),
    );
    for (const node of Object.values(renamed.nodes) as GraphDocument['nodes'][string][]) {
      node.position = [Math.random() * 1000, 5];
      node.title = 'moved';
    }
    expect(await ran(renamed)).toEqual(['save']);
  });

  it('treats an unset widget and its default value as the same', async () => {
    const { ran } = setup();
    const explicit = pipelineGraph();
    explicit.nodes.sample.widgets.cfg = 7;
    await ran(explicit);
    expect(await ran(pipelineGraph())).toEqual(['save']);
  });

  it('never caches a nondeterministic node, nor what depends on it', async () => {
    const { ran } = setup();
    const doc = pipelineGraph();
    doc.nodes.noise = { type: 'TNoise', widgets: {} };
    doc.edges = doc.edges.map((e) =>
      e.to[1] === 'latent' && e.to[0] === 'sample'
        ? { from: ['noise', 'latent'], to: ['sample', 'latent'] }
        : e,
    );
    delete doc.nodes.empty;
    expect(await ran(doc)).toEqual(['load', 'encode', 'noise', 'sample', 'save']);
    expect(await ran(doc)).toEqual(['noise', 'sample', 'save']);
  });

  it('evicts the least recently used results under a tiny budget', async () => {
    // The budget holds exactly one sampler result (a 2x4 latent), so each new result evicts the rest.
    const samplerResult = { latent: { data: new Float32Array(8), shape: [1, 1, 2, 4] } };
    const { ran, engine } = setup(estimateBytes(samplerResult));
    await ran(pipelineGraph({ seed: 1 }));
    await ran(pipelineGraph({ seed: 2 }));
    expect(engine.cacheStats().entries).toBe(1);
    expect(await ran(pipelineGraph({ seed: 1 }))).toEqual(['load', 'encode', 'empty', 'sample', 'save']);
    expect(await ran(pipelineGraph({ seed: 1 }))).toEqual(['save']);
  });

  it('never caches a result larger than the whole budget', async () => {
    const { ran } = setup(1_000);
    // Each big empty latent is 16*16*4 = 1024 bytes: over budget alone, so never cached.
    const big = pipelineGraph();
    big.nodes.empty.widgets = { width: 16, height: 16 };
    await ran(big);
    expect(await ran(big)).toEqual(['empty', 'sample', 'save']);
  });

  it('a cache hit downstream means upstream nodes are not needed at all', async () => {
    const { ran, engine } = setup();
    await ran(pipelineGraph());
    engine.clearCache();
    expect(await ran(pipelineGraph())).toEqual(['load', 'encode', 'empty', 'sample', 'save']);
  });
});

describe('working set', () => {
  it('releases intermediates once their last consumer has them', async () => {
    const { registry } = makeTestNodes();
    const compiled = compileGraph(pipelineGraph(), registry);
    const held: Record<string, string[]> = {};
    const run = { graph: null, modelReferences: async () => [] };
    const deps = {
      runtime: testRuntime(),
      run,
      services: runtimeNodeServices,
      cache: new ResultCache(0),
      log: silentLogger,
    };
    const graphRun: GraphRun = new GraphRun(
      'r',
      compiled.steps,
      new AbortController().signal,
      (event) => {
        if (event.type === 'node-started') held[event.nodeId] = graphRun.heldResults();
      },
      deps,
    );
    expect((await graphRun.execute()).status).toBe('done');
    expect(held).toEqual({
      load: [],
      encode: ['load'],
      empty: ['load', 'encode'],
      sample: ['load', 'encode', 'empty'],
      save: ['sample'],
    });
    expect(graphRun.heldResults()).toEqual([]);
  });
});
