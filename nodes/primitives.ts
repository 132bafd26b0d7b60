// Primitive value nodes: one widget `value`, one output of the matching primitive socket type,
// so a single value (a seed, a size, a prompt) can feed widgets on several nodes.
import { defineNode, type NodeDefinition } from './api.ts';

const CATEGORY = 'primitives';

export const primitiveNodes: NodeDefinition[] = [
  defineNode({
    type: 'Int',
    displayName: 'Int',
    category: CATEGORY,
    description: 'A whole number, to wire into int or seed widgets',
    inputs: [],
    widgets: [{ name: 'value', kind: 'int', default: 0 }],
    outputs: [{ name: 'int', type: 'INT' }],
    run: async (_ctx, inputs) => ({ int: inputs.value }),
  }),
  defineNode({
    type: 'Float',
    displayName: 'Float',
    category: CATEGORY,
    description: 'A decimal number, to wire into float widgets',
    inputs: [],
    widgets: [{ name: 'value', kind: 'float', default: 0 }],
    outputs: [{ name: 'float', type: 'FLOAT' }],
    run: async (_ctx, inputs) => ({ float: inputs.value }),
  }),
  defineNode({
    type: 'String',
    displayName: 'String',
    category: CATEGORY,
    description: 'A line of text, to wire into text, choice, file or model widgets',
    inputs: [],
    widgets: [{ name: 'value', kind: 'string', default: '', multiline: false }],
    outputs: [{ name: 'string', type: 'STRING' }],
    run: async (_ctx, inputs) => ({ string: inputs.value }),
  }),
  defineNode({
    type: 'Boolean',
    displayName: 'Boolean',
    category: CATEGORY,
    description: 'True or false, to wire into boolean widgets',
    inputs: [],
    widgets: [{ name: 'value', kind: 'boolean', default: false }],
    outputs: [{ name: 'boolean', type: 'BOOLEAN' }],
    run: async (_ctx, inputs) => ({ boolean: inputs.value }),
  }),
];
