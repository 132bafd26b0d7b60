import type { NodeDefinition } from './api.ts';

export const vaeNodes: NodeDefinition[] = [];
