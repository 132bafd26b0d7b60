import type { NodeDefinition } from './api.ts';

export const latentNodes: NodeDefinition[] = [];
