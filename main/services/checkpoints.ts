// ctx.services.checkpoints: single-file checkpoints built through the build cache
// (main/services/checkpoint-loader.ts), imported on first use like the other loaders.
import type { CheckpointLoaders } from '../../nodes/api.ts';
import type { LoadContext } from '../runtime/loaders.ts';
import type { ServiceScope } from './index.ts';

export function createCheckpointLoaders(scope: ServiceScope): CheckpointLoaders {
  const ctx: LoadContext = { runtime: scope.runtime, graph: scope.run.graph, warn: scope.warn };
  return {
    load: async (recipe, onProgress) =>
      (await import('./checkpoint-loader.ts')).loadCheckpoint(ctx, recipe, onProgress),
    loadVae: async (file, scalingFactor, device) =>
      (await import('./checkpoint-loader.ts')).loadVaeWeights(ctx, file, scalingFactor, device),
  };
}
