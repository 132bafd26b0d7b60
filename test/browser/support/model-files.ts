// Model files for the editor's model library: just enough of each file's keys and shapes for the
// header-only detection to tell what it is.
import type { TensorToWrite } from '../../../main/checkpoint/safetensors-write.ts';

// An SD 1.x U-Net's cross-attention takes 768-wide text features.
const U = 'model.diffusion_model.';
const zeros = (name: string, shape: number[]): TensorToWrite => ({
  name,
  shape,
  dtype: 'F16',
  values: new Float32Array(shape.reduce((a, b) => a * b, 1)),
});
export const MODEL_FILES: Record<string, TensorToWrite[]> = {
  'checkpoints/tiny-sd15.safetensors': [
    zeros(`${U}input_blocks.0.0.weight`, [8, 4, 3, 3]),
    zeros(`${U}input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight`, [8, 768]),
    zeros('cond_stage_model.transformer.text_model.embeddings.token_embedding.weight', [4, 8]),
  ],
  'loras/style.safetensors': [
    zeros('lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight', [2, 8]),
    zeros('lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight', [8, 2]),
  ],
  'vae/ft.safetensors': [
    zeros('encoder.conv_in.weight', [8, 3, 3, 3]),
    zeros('decoder.conv_in.weight', [8, 4, 3, 3]),
  ],
};
