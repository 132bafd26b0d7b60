import type { NodeDefinition } from './api.ts';

export const textNodes: NodeDefinition[] = [];
