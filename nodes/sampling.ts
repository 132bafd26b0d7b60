import type { NodeDefinition } from './api.ts';

export const samplingNodes: NodeDefinition[] = [];
