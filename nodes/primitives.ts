import type { NodeDefinition } from './api.ts';

export const primitiveNodes: NodeDefinition[] = [];
