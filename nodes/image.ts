import type { NodeDefinition } from './api.ts';

export const imageNodes: NodeDefinition[] = [];
