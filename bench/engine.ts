// Engine benchmark: compile (validate + plan) and run a 200-node graph of trivial nodes.
// Run with `npx tsx bench/engine.ts`. Prints averages next to the targets
// (compile < 5 ms; engine overhead < 0.05 ms per node).

import { compileGraph } from '../main/engine/compile/validate.ts';
import { Engine } from '../main/engine/execute/engine.ts';
import { NodeRegistry } from '../main/engine/registry.ts';
import { createRuntimeServices } from '../main/engine/runtime-services.ts';
import type { GraphDocument } from '../main/graph/schema.ts';
import { defineNode, type NodeDefinition } from '../nodes/api.ts';

const NODES = 200;
const COMPILE_REPEATS = 300;
const RUN_REPEATS = 100;
const TARGET_COMPILE_MS = 5;
const TARGET_OVERHEAD_MS_PER_NODE = 0.05;

const add = defineNode({
  type: 'BenchAdd',
  displayName: 'Add',
  category: 'bench',
  description: 'a + b + k',
  inputs: [
    { name: 'a', type: 'FLOAT', optional: true },
    { name: 'b', type: 'FLOAT', optional: true },
  ],
  widgets: [
    { name: 'k', kind: 'float', default: 0, min: -1e9, max: 1e9 },
    { name: 'label', kind: 'string', default: '' },
  ],
  outputs: [{ name: 'value', type: 'FLOAT' }],
  run: async (_ctx, inputs) => ({
    value: ((inputs.a as number) ?? 0) + ((inputs.b as number) ?? 0) + (inputs.k as number),
  }),
});

const sink = defineNode({
  type: 'BenchSink',
  displayName: 'Sink',
  category: 'bench',
  description: 'output node',
  inputs: [{ name: 'value', type: 'FLOAT' }],
  widgets: [],
  outputs: [],
  output: true,
  run: async () => ({}),
});

/** NODES - 1 adders, each fed by the two before it, then one output node. */
function benchGraph(): GraphDocument {
  const nodes: GraphDocument['nodes'] = {};
  const edges: GraphDocument['edges'] = [];
  for (let i = 0; i < NODES - 1; i++) {
    nodes[`n${i}`] = { type: 'BenchAdd', widgets: { k: i, label: `node ${i}` }, position: [i * 10, 0] };
    if (i >= 1) edges.push({ from: [`n${i - 1}`, 'value'], to: [`n${i}`, 'a'] });
    if (i >= 2) edges.push({ from: [`n${i - 2}`, 'value'], to: [`n${i}`, 'b'] });
  }
  nodes.out = { type: 'BenchSink', widgets: {}, position: [0, 100] };
  edges.push({ from: [`n${NODES - 2}`, 'value'], to: ['out', 'value'] });
  return { format: 'diffgraph', version: 1, nodes, edges };
}

function average(samples: number[]): number {
  return samples.reduce((a, b) => a + b, 0) / samples.length;
}

async function timeRuns(engine: Engine, doc: GraphDocument, clear: boolean): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < RUN_REPEATS + 10; i++) {
    if (clear) engine.clearCache();
    const start = performance.now();
    const result = await engine.run(doc, { onEvent: () => {} });
    if (result.status !== 'done') throw new Error(`bench run failed: ${result.error?.message}`);
    if (i >= 10) samples.push(performance.now() - start);
  }
  return average(samples);
}

/** The same node bodies awaited in plan order with no engine around them. */
async function timeBareBodies(defs: NodeDefinition[], count: number): Promise<number> {
  const samples: number[] = [];
  const ctx = {} as Parameters<NodeDefinition['run']>[0];
  for (let r = 0; r < RUN_REPEATS + 10; r++) {
    const start = performance.now();
    let a = 0;
    let b = 0;
    for (let i = 0; i < count; i++) {
      const out = await defs[0].run(ctx, { a, b, k: i, label: '' });
      b = a;
      a = out.value as number;
    }
    await defs[1].run(ctx, { value: a });
    if (r >= 10) samples.push(performance.now() - start);
  }
  return average(samples);
}

const registry = new NodeRegistry([add, sink]);
const doc = benchGraph();
const runtime = createRuntimeServices({
  paths: { models: '/tmp', input: '/tmp', output: '/tmp' },
  device: 'cpu',
});
const engine = new Engine({ registry, runtime, logger: { info() {}, warn() {}, error() {} } });

const compileSamples: number[] = [];
for (let i = 0; i < COMPILE_REPEATS + 20; i++) {
  const start = performance.now();
  const compiled = compileGraph(doc, registry);
  if (compiled.problems.length || compiled.steps.length !== NODES)
    throw new Error('bench graph does not compile');
  if (i >= 20) compileSamples.push(performance.now() - start);
}
const compileMs = average(compileSamples);
const uncachedMs = await timeRuns(engine, doc, true);
const cachedMs = await timeRuns(engine, doc, false);
const bareMs = await timeBareBodies([add, sink], NODES - 1);
const overheadPerNode = (uncachedMs - compileMs - bareMs) / NODES;

const row = (label: string, value: number, unit: string, target?: number) =>
  console.log(
    `${label.padEnd(50)} ${value.toFixed(4).padStart(9)} ${unit}` +
      (target === undefined
        ? ''
        : `   target < ${target} ${unit}  (${(value / target).toFixed(2)}x of target)`),
  );

console.log(`Engine bench: ${NODES} nodes, ${doc.edges.length} wires; node ${process.version}`);
row('compile (validate + plan), per graph', compileMs, 'ms', TARGET_COMPILE_MS);
row('full run, nothing cached, per graph', uncachedMs, 'ms');
row('  bare node bodies alone, per graph', bareMs, 'ms');
row('engine overhead per node (run-compile-bodies)', overheadPerNode, 'ms', TARGET_OVERHEAD_MS_PER_NODE);
row('run time per node, all-inclusive', uncachedMs / NODES, 'ms');
row('re-run with everything cached, per graph', cachedMs, 'ms');
