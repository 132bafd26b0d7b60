import type { NodeDefinition } from './api.ts';

export const scheduleNodes: NodeDefinition[] = [];
