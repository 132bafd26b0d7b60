// ctx.services.models: the ONNX loaders (main/runtime/loaders.ts), loaded on first use so that
// onnxruntime-node stays out of processes that only validate or list nodes.
import type { ModelLoaders } from '../../nodes/api.ts';
import type { LoadContext } from '../runtime/loaders.ts';
import type { ServiceScope } from './index.ts';

export function createModelLoaders(scope: ServiceScope): ModelLoaders {
  const ctx: LoadContext = { runtime: scope.runtime, graph: scope.run.graph, warn: scope.warn };
  const loaders = () => import('../runtime/loaders.ts');
  return {
    loadPipeline: async (name, device, overrides) =>
      (await loaders()).loadPipeline(ctx, name, device, overrides),
    loadUnet: async (file, device, config) => (await loaders()).loadUnetFile(ctx, file, device, config),
    loadTextEncoder: async (file, tokenizer, device) =>
      (await loaders()).loadTextEncoderFile(ctx, file, tokenizer, device),
    loadVae: async (decoder, encoder, scalingFactor, device) =>
      (await loaders()).loadVaeFiles(ctx, decoder, encoder, scalingFactor, device),
  };
}
