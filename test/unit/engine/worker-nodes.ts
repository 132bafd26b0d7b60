// Node types the worker-client tests load into the engine worker (WorkerConfig.nodeModules).
import { defineNode } from '../../../nodes/api.ts';
import { makeTestNodes } from './test-nodes.ts';

const crash = defineNode({
  type: 'TCrash',
  displayName: 'Crash',
  category: 'test',
  description: 'ends the worker thread, as a native crash in a model runtime would',
  inputs: [{ name: 'latent', type: 'LATENT' }],
  widgets: [],
  outputs: [],
  output: true,
  run: async () => {
    process.exit(3);
  },
});

export const nodes = [...makeTestNodes().defs, crash];
