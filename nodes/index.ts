// The built-in node catalogue: one file per node family.
import type { NodeDefinition } from './api.ts';
import { checkpointNodes } from './checkpoints.ts';
import { conditioningToolNodes } from './conditioning-tools.ts';
import { evaluationNodes } from './evaluation.ts';
import { imageNodes } from './image.ts';
import { latentNodes } from './latent.ts';
import { latentUpscaleNodes } from './latent-upscale.ts';
import { loaderNodes } from './loaders.ts';
import { primitiveNodes } from './primitives.ts';
import { samplingNodes } from './sampling.ts';
import { scheduleNodes } from './schedule.ts';
import { textNodes } from './text.ts';
import { sdxlTextNodes } from './text-sdxl.ts';
import { trainingNodes } from './training.ts';
import { vaeNodes } from './vae.ts';

export function builtinNodes(): NodeDefinition[] {
  return [
    ...loaderNodes,
    ...checkpointNodes,
    ...textNodes,
    ...conditioningToolNodes,
    ...sdxlTextNodes,
    ...latentNodes,
    ...latentUpscaleNodes,
    ...scheduleNodes,
    ...samplingNodes,
    ...vaeNodes,
    ...imageNodes,
    ...primitiveNodes,
    ...evaluationNodes,
    ...trainingNodes,
  ];
}
