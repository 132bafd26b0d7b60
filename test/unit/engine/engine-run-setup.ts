// An engine on the test nodes plus two more (a node that fails on demand, one that previews, warns and
// writes an output), and a run that collects its events: shared by the engine run tests.
import type { EngineEvent } from '../../../main/engine/events.ts';
import { Engine } from '../../../main/engine/execute/engine.ts';
import { defineNode, NodeInputError } from '../../../nodes/api.ts';
import { makeTestNodes, silentLogger, testRuntime } from './test-nodes.ts';

const failing = defineNode({
  type: 'TFail',
  displayName: 'Fail',
  category: 'test',
  description: 'throws on demand',
  inputs: [{ name: 'latent', type: 'LATENT' }],
  widgets: [{ name: 'fail', kind: 'boolean', default: true }],
  outputs: [{ name: 'latent', type: 'LATENT' }],
  run: async (_ctx, inputs) => {
    if (inputs.fail) throw new NodeInputError('latent', 'latent is too small');
    return { latent: inputs.latent };
  },
});

const previewing = defineNode({
  type: 'TPreview',
  displayName: 'Preview',
  category: 'test',
  description: 'sends a 2x1 preview, a warning and an output file',
  inputs: [{ name: 'latent', type: 'LATENT' }],
  widgets: [],
  outputs: [],
  output: true,
  run: async (ctx) => {
    ctx.progress(1, 2, { width: 2, height: 1, rgb: Uint8Array.from([255, 0, 0, 0, 0, 255]) });
    ctx.warn('careful');
    ctx.progress(2, 2);
    ctx.output({ kind: 'image', path: '/tmp/x.png' });
    return {};
  },
});

export function setup() {
  const nodes = makeTestNodes([failing, previewing]);
  const engine = new Engine({ registry: nodes.registry, runtime: testRuntime(), logger: silentLogger });
  return { engine, nodes };
}

export async function collect(engine: Engine, doc: unknown, runId = 'run-1') {
  const events: EngineEvent[] = [];
  const result = await engine.run(doc, { runId, onEvent: (e) => events.push(e) });
  return { events, result };
}

export const brief = (e: EngineEvent) => ('nodeId' in e && e.nodeId ? `${e.type}:${e.nodeId}` : e.type);
