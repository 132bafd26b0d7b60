// SDXL's vector conditioning inside the U-Net (sgm UNetModel.forward: `emb = emb + label_emb(y)`), with
// `y` assembled from optimum's inputs as sgm's conditioner does: text_embeds (the pooled text embedding)
// followed by each time_ids entry's sinusoidal embedding — the timestep embedding (cos first, no shift),
// 256 channels per id (ConcatTimestepEmbedderND: `rearrange(x, "b d -> (b d)")`, embed, back to
// `b (d 256)`). label_emb = Linear → SiLU → Linear.
import { SDXL_ID_CHANNELS, type VectorConditioning } from '../sdxl-vector.ts';
import type { NetOps } from './net-ops.ts';
import { timestepEmbedding } from './unet-blocks.ts';

/** label_emb(y) [B, time_embed_dim] in the build dtype, from the `text_embeds` and `time_ids` inputs. */
export async function vectorEmbedding(
  ops: NetOps,
  v: VectorConditioning,
  timeEmbedDim: number,
): Promise<string> {
  const g = ops.g;
  const textEmbeds = g.input('text_embeds', 'float32', ['batch', v.pooledDim]);
  const timeIds = g.input('time_ids', 'float32', ['batch', v.timeIds]);
  const flat = g.node('Reshape', [timeIds, g.i64([-1])]);
  const fourier = timestepEmbedding(ops, flat, SDXL_ID_CHANNELS);
  const perSample = g.node('Reshape', [fourier, g.i64([-1, v.timeIds * SDXL_ID_CHANNELS])]);
  const y = ops.fromFloat32(g.node('Concat', [textEmbeds, perSample], { axis: 1 }));
  const h = ops.silu(await ops.linear(y, 'label_emb.0.0', v.admInChannels, timeEmbedDim));
  return ops.linear(h, 'label_emb.0.2', timeEmbedDim, timeEmbedDim);
}
