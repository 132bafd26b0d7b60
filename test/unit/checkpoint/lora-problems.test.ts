// LoRA files that do not fit, older diffusers key names, and large patches merged through ONNX Runtime:
// each checked against the merge formula W' = W + strength · (alpha / rank) · (up @ down) in float64.
import { describe, expect, it } from 'vitest';
import { readLora } from '../../../main/checkpoint/lora.ts';
import { LoraPatchedSource } from '../../../main/checkpoint/lora-source.ts';
import { base, expectClose, expectedMerge, loraFiles, Q_PROJ, random, TO_K, t } from './lora-support.ts';

const loraFile = loraFiles();

describe('LoRA problems', () => {
  it('lists keys that match no weight, with the count', async () => {
    const file = await loraFile('partial.safetensors', [
      t('lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight', [2, 6], random(12)),
      t('lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight', [6, 2], random(12)),
      t('lora_unet_down_blocks_9_attentions_0_proj_in.lora_down.weight', [2, 6], random(12)),
      t('lora_unet_down_blocks_9_attentions_0_proj_in.lora_up.weight', [6, 2], random(12)),
      t('lora_te_text_model_encoder_layers_0_mlp_fc1.lora_down.weight', [2, 6], random(12)),
      t('lora_unet_down_blocks_0_resnets_0_conv1.lora_mid.weight', [2, 2, 3, 3], random(36)),
    ]);
    const lora = await readLora(file, base);
    await file.close();
    expect(lora.patches.length).toBe(1);
    expect(lora.warning).toMatch(
      /partial\.safetensors: 3 of 4 LoRA entries match no weight of the checkpoint and are ignored/,
    );
    expect(lora.warning).toContain('lora_unet_down_blocks_9_attentions_0_proj_in');
    expect(lora.warning).toContain('lora_te_text_model_encoder_layers_0_mlp_fc1 (no up weight)');
    expect(lora.warning).toContain('lora_unet_down_blocks_0_resnets_0_conv1.lora_mid.weight');
  });

  it('a LoRA whose shapes do not fit (made for another architecture) is an error naming both', async () => {
    const file = await loraFile('sd2-lora.safetensors', [
      t(
        'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight',
        [2, 16],
        random(32),
      ),
      t(
        'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_up.weight',
        [6, 2],
        random(12),
      ),
    ]);
    await expect(readLora(file, base)).rejects.toThrow(
      /sd2-lora\.safetensors: module "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k" \(up \[6,2\] @ down \[2,16\] = 6×16\) does not fit model\.diffusion_model\.input_blocks\.1\.1\.transformer_blocks\.0\.attn2\.to_k\.weight \[6,12\]: the LoRA was made for another architecture/,
    );
    await file.close();
  });

  it('a LoRA matching nothing (an SDXL LoRA on SD 1.x) is an error', async () => {
    const file = await loraFile('xl.safetensors', [
      t('lora_te1_text_model_encoder_layers_0_mlp_fc1.lora_down.weight', [2, 6], random(12)),
      t('lora_te1_text_model_encoder_layers_0_mlp_fc1.lora_up.weight', [6, 2], random(12)),
    ]);
    await expect(readLora(file, base)).rejects.toThrow(
      /xl\.safetensors: none of its 1 LoRA modules match a weight of this checkpoint/,
    );
    await file.close();
  });
});

describe('older diffusers LoRA names', () => {
  it('attention-processor (to_q_lora, to_out_lora) and lora_linear_layer names reach the same weights', async () => {
    const down = random(2 * 12);
    const up = random(6 * 2);
    const file = await loraFile('old-diffusers.safetensors', [
      t(
        'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn2.processor.to_k_lora.down.weight',
        [2, 12],
        down,
      ),
      t(
        'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn2.processor.to_k_lora.up.weight',
        [6, 2],
        up,
      ),
      t(
        'text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_linear_layer.down.weight',
        [2, 6],
        random(12),
      ),
      t(
        'text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_linear_layer.up.weight',
        [6, 2],
        random(12),
      ),
    ]);
    const lora = await readLora(file, base);
    await file.close();
    expect(lora.warning).toBeUndefined();
    expect(lora.patches.map((p) => p.target.key).sort()).toEqual([Q_PROJ, TO_K].sort());
    const merged = new LoraPatchedSource(base, [{ lora, strengthModel: 2, strengthClip: 1 }]);
    expectClose(await merged.read(TO_K), expectedMerge(await base.read(TO_K), up, down, 2, 2));
  });
});

describe('large patches merge through ONNX Runtime with the same result', () => {
  it('a 300×400 weight, rank 16 (above the JavaScript threshold), packed rows included', async () => {
    const { addLoraDeltaFast, ORT_MERGE_THRESHOLD } = await import(
      '../../../main/checkpoint/lora-merge-ort.ts'
    );
    const [out, cols, rank] = [300, 400, 16];
    expect(out * rank * cols).toBeGreaterThan(ORT_MERGE_THRESHOLD);
    const w = random(3 * out * cols); // a packed [q; k; v] weight: the patch hits the middle block
    const up = random(out * rank);
    const down = random(rank * cols);
    const patch = {
      module: 'm',
      target: { key: 'k', part: 'text' as const, rows: { start: out, count: out } },
      up,
      down,
      rank,
      out,
      cols,
      scale: 1,
    };
    const merged = Float32Array.from(w);
    await addLoraDeltaFast(merged, patch, 0.75);
    expectClose(merged, expectedMerge(w, up, down, rank, 0.75, out), 1e-5);
  });
});
