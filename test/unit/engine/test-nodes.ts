// Test-only node types shaped like a small txt2img pipeline. Each run is recorded in `calls`
// (node ids in execution order) so tests can see exactly what ran and what came from the cache.

import { NodeRegistry } from '../../../main/engine/registry.ts';
import { createRuntimeServices } from '../../../main/engine/runtime-services.ts';
import type { GraphDocument } from '../../../main/graph/schema.ts';
import { defineNode, type NodeDefinition } from '../../../nodes/api.ts';
import type { Tensor } from '../../../nodes/types.ts';

export interface TestNodes {
  registry: NodeRegistry;
  calls: string[];
  defs: NodeDefinition[];
}

function tensor(values: number[], shape: number[]): Tensor {
  return { data: Float32Array.from(values), shape };
}

export function makeTestNodes(extra: NodeDefinition[] = []): TestNodes {
  const calls: string[] = [];
  const defs: NodeDefinition[] = [
    defineNode({
      type: 'TLoad',
      displayName: 'Load',
      category: 'test',
      description: 'model and text encoder',
      inputs: [],
      widgets: [{ name: 'model', kind: 'model', default: 'tiny', modelKind: 'pipeline' }],
      outputs: [
        { name: 'model', type: 'MODEL' },
        { name: 'clip', type: 'CLIP' },
      ],
      run: async (ctx, inputs) => {
        calls.push(ctx.nodeId);
        return { model: { name: inputs.model }, clip: { name: inputs.model } };
      },
    }),
    defineNode({
      type: 'TEncode',
      displayName: 'Encode',
      category: 'test',
      description: 'text to conditioning (length of the text)',
      inputs: [{ name: 'clip', type: 'CLIP' }],
      widgets: [{ name: 'text', kind: 'string', default: '', multiline: true }],
      outputs: [{ name: 'conditioning', type: 'CONDITIONING' }],
      run: async (ctx, inputs) => {
        calls.push(ctx.nodeId);
        return { conditioning: tensor([String(inputs.text).length], [1]) };
      },
    }),
    defineNode({
      type: 'TEmpty',
      displayName: 'Empty',
      category: 'test',
      description: 'a zero latent',
      inputs: [],
      widgets: [
        { name: 'width', kind: 'int', default: 8, min: 1, max: 64 },
        { name: 'height', kind: 'int', default: 8, min: 1, max: 64 },
      ],
      outputs: [{ name: 'latent', type: 'LATENT' }],
      run: async (ctx, inputs) => {
        calls.push(ctx.nodeId);
        const size = (inputs.width as number) * (inputs.height as number);
        return {
          latent: tensor(new Array(size).fill(0), [1, 1, inputs.height as number, inputs.width as number]),
        };
      },
    }),
    defineNode({
      type: 'TSample',
      displayName: 'Sample',
      category: 'test',
      description: 'adds seed + conditioning to the latent once per step',
      inputs: [
        { name: 'model', type: 'MODEL' },
        { name: 'positive', type: 'CONDITIONING' },
        { name: 'negative', type: 'CONDITIONING', optional: true },
        { name: 'latent', type: 'LATENT' },
      ],
      widgets: [
        { name: 'seed', kind: 'seed', default: 0, control: 'increment' },
        { name: 'steps', kind: 'int', default: 3, min: 1, max: 10000 },
        { name: 'cfg', kind: 'float', default: 7, min: 0, max: 30 },
        { name: 'sampler', kind: 'enum', default: 'euler', options: ['euler', 'ddim'] },
        { name: 'step_ms', kind: 'int', default: 0, min: 0 },
      ],
      outputs: [{ name: 'latent', type: 'LATENT' }],
      run: async (ctx, inputs) => {
        calls.push(ctx.nodeId);
        const latent = inputs.latent as Tensor;
        const data = Float32Array.from(latent.data);
        const add = (inputs.seed as number) + (inputs.positive as Tensor).data[0];
        for (let step = 0; step < (inputs.steps as number); step++) {
          ctx.signal.throwIfAborted();
          await new Promise((resolve) => setTimeout(resolve, inputs.step_ms as number));
          for (let i = 0; i < data.length; i++) data[i] += add;
          ctx.progress(step + 1, inputs.steps as number);
        }
        return { latent: { data, shape: latent.shape } };
      },
    }),
    defineNode({
      type: 'TSave',
      displayName: 'Save',
      category: 'test',
      description: 'reports the latent sum as an output file',
      inputs: [{ name: 'latent', type: 'LATENT' }],
      widgets: [{ name: 'prefix', kind: 'string', default: 'out' }],
      outputs: [],
      output: true,
      run: async (ctx, inputs) => {
        calls.push(ctx.nodeId);
        const sum = (inputs.latent as Tensor).data.reduce((a, b) => a + b, 0);
        ctx.output({ kind: 'latent', path: `/tmp/${inputs.prefix}.latent`, meta: { sum } });
        return {};
      },
    }),
    defineNode({
      type: 'TNoise',
      displayName: 'Noise',
      category: 'test',
      description: 'random latent (nondeterministic)',
      inputs: [],
      widgets: [],
      outputs: [{ name: 'latent', type: 'LATENT' }],
      nondeterministic: true,
      run: async (ctx) => {
        calls.push(ctx.nodeId);
        return { latent: tensor([Math.random()], [1, 1, 1, 1]) };
      },
    }),
    ...extra,
  ];
  return { registry: new NodeRegistry(defs), calls, defs };
}

/** A txt2img-shaped graph: load -> encode -> sample <- empty; sample -> save. */
export function pipelineGraph(overrides: { seed?: number; text?: string } = {}): GraphDocument {
  return {
    format: 'diffgraph',
    version: 1,
    nodes: {
      load: { type: 'TLoad', widgets: { model: 'tiny' }, position: [0, 0] },
      encode: { type: 'TEncode', widgets: { text: overrides.text ?? 'a cat' }, position: [200, 0] },
      empty: { type: 'TEmpty', widgets: { width: 4, height: 2 }, position: [0, 200] },
      sample: { type: 'TSample', widgets: { seed: overrides.seed ?? 1, steps: 2 }, position: [400, 0] },
      save: { type: 'TSave', widgets: { prefix: 'out' }, position: [600, 0] },
    },
    edges: [
      { from: ['load', 'model'], to: ['sample', 'model'] },
      { from: ['load', 'clip'], to: ['encode', 'clip'] },
      { from: ['encode', 'conditioning'], to: ['sample', 'positive'] },
      { from: ['empty', 'latent'], to: ['sample', 'latent'] },
      { from: ['sample', 'latent'], to: ['save', 'latent'] },
    ],
  };
}

export function testRuntime() {
  return createRuntimeServices({
    paths: { models: '/tmp/m', input: '/tmp/i', output: '/tmp/o' },
    device: 'cpu',
  });
}

export const silentLogger = { info() {}, warn() {}, error() {} };
