import type { NodeDefinition } from './api.ts';

export const loaderNodes: NodeDefinition[] = [];
