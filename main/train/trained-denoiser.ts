// The model being trained as a MODEL (Denoiser) so that the project's own samplers draw from it in
// TypeScript (sample grids during training, tests). Conditioning is [B, tokens, K] with K classes:
// a row that is the one-hot of class k selects class k, an all-zero row the "no class" embedding —
// the same rule the exported ONNX U-Net applies to its encoder_hidden_states. Its ε is the x₀-clipped
// one (sample-clipping.ts), as the export's.
import type { Conditioning, Denoiser, Tensor } from '../../nodes/types.ts';
import { DDPM_SCHEDULE, ddpmAlphasCumprod } from './ddpm.ts';
import { clipEpsilon } from './sample-clipping.ts';
import type { TinyUNet } from './unet.ts';

export function trainedDenoiser(model: TinyUNet, name: string): Denoiser {
  const alphasCumprod = ddpmAlphasCumprod();
  const conditional = model.config.classes > 0;
  return {
    kind: 'denoiser',
    name,
    config: DDPM_SCHEDULE,
    channels: model.config.imageChannels,
    batch: 'dynamic',
    conditional,
    async predict(x: Tensor, timestep: number, context?: Conditioning): Promise<Float32Array> {
      const n = x.shape[0];
      const classes = conditional ? classesOf(context, n, model.config.classes) : undefined;
      const out = model.forward({ data: x.data, shape: x.shape }, new Array(n).fill(timestep), classes);
      return clipEpsilon(Float32Array.from(out.data), x.data, timestep, alphasCumprod);
    },
  };
}

/** [B, 1, K] conditioning naming one class per item (−1: no class). */
export function classConditioning(ids: readonly number[], classes: number): Conditioning {
  const data = new Float32Array(ids.length * classes);
  ids.forEach((id, b) => {
    if (id >= 0) data[b * classes + id] = 1;
  });
  return { data, shape: [ids.length, 1, classes] };
}

function classesOf(context: Conditioning | undefined, n: number, classes: number): number[] {
  if (!context) return new Array(n).fill(classes);
  const [batch, tokens, width] = context.shape;
  if (batch !== n || width < classes)
    throw new Error(
      `conditioning of shape [${context.shape}] does not fit a batch of ${n} with ${classes} classes`,
    );
  return Array.from({ length: n }, (_, b) => {
    for (let t = 0; t < tokens; t++) {
      for (let k = 0; k < classes; k++) if (context.data[(b * tokens + t) * width + k] > 0.5) return k;
    }
    return classes;
  });
}
