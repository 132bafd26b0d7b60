// LoRA merging checked against the formula itself, computed here in float64:
// W' = W + strength · (alpha / rank) · (up @ down), conv kernels flattened (Hu et al. 2021, eq. 3).
import { describe, expect, it } from 'vitest';
import { readLora } from '../../../main/checkpoint/lora.ts';
import { changedKeys, LoraPatchedSource } from '../../../main/checkpoint/lora-source.ts';
import { MemoryTensorSource } from '../../../main/checkpoint/memory-source.ts';
import {
  base,
  base2,
  CONV1,
  expectClose,
  expectedMerge,
  loraFiles,
  PACKED,
  PROJ_IN,
  Q_PROJ,
  random,
  TO_K,
  t,
} from './lora-support.ts';

const loraFile = loraFiles();

describe('LoRA merge math', () => {
  const down = random(2 * 6);
  const up = random(6 * 2);
  const convDown = random(3 * 5 * 9);
  const convUp = random(6 * 3);
  const teDown = random(4 * 6);
  const teUp = random(6 * 4);

  it('kohya: 1×1 conv, LoCon 3×3 conv and text encoder, with alpha and strengths', async () => {
    const file = await loraFile('kohya.safetensors', [
      t('lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight', [2, 6, 1, 1], down),
      t('lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight', [6, 2, 1, 1], up),
      t('lora_unet_down_blocks_0_attentions_0_proj_in.alpha', [], Float32Array.of(1)),
      t('lora_unet_down_blocks_0_resnets_0_conv1.lora_down.weight', [3, 5, 3, 3], convDown),
      t('lora_unet_down_blocks_0_resnets_0_conv1.lora_up.weight', [6, 3, 1, 1], convUp),
      t('lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight', [4, 6], teDown),
      t('lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight', [6, 4], teUp),
      t('lora_te_text_model_encoder_layers_0_self_attn_q_proj.alpha', [], Float32Array.of(8)),
    ]);
    const lora = await readLora(file, base);
    await file.close();
    expect(lora.warning).toBeUndefined();
    const merged = new LoraPatchedSource(base, [{ lora, strengthModel: 0.7, strengthClip: -1.5 }]);
    expect(merged.patchedKeys().sort()).toEqual([CONV1, PROJ_IN, Q_PROJ].sort());
    expectClose(
      await merged.read(PROJ_IN),
      expectedMerge(await base.read(PROJ_IN), up, down, 2, 0.7 * (1 / 2)),
    );
    expectClose(await merged.read(CONV1), expectedMerge(await base.read(CONV1), convUp, convDown, 3, 0.7)); // no alpha: alpha = rank
    expectClose(
      await merged.read(Q_PROJ),
      expectedMerge(await base.read(Q_PROJ), teUp, teDown, 4, -1.5 * (8 / 4)),
    );
    expect(await merged.read(TO_K)).toBe(await base.read(TO_K)); // untouched weights pass through
  });

  it('diffusers/PEFT names (lora_A/lora_B, unet./text_encoder. prefixes) and SD 2.x packed q/k/v rows', async () => {
    const file = await loraFile('peft.safetensors', [
      t(
        'base_model.model.down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.lora_A.weight',
        [2, 12],
        random(24),
      ),
      t(
        'base_model.model.down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.lora_B.weight',
        [6, 2],
        random(12),
      ),
      t('text_encoder.text_model.encoder.layers.0.self_attn.v_proj.lora_A.weight', [2, 6], down),
      t('text_encoder.text_model.encoder.layers.0.self_attn.v_proj.lora_B.weight', [6, 2], up),
    ]);
    const lora = await readLora(file, base2);
    const merged = new LoraPatchedSource(base2, [{ lora, strengthModel: 1, strengthClip: 0.5 }]);
    const toKDown = await file.read(
      'base_model.model.down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.lora_A.weight',
    );
    const toKUp = await file.read(
      'base_model.model.down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.lora_B.weight',
    );
    await file.close();
    expectClose(await merged.read(TO_K), expectedMerge(await base2.read(TO_K), toKUp, toKDown, 2, 1));
    // v is the third block of 6 rows in OpenCLIP's packed [q; k; v] weight.
    expectClose(await merged.read(PACKED), expectedMerge(await base2.read(PACKED), up, down, 2, 0.5, 12));
  });

  it('stacks LoRAs, and a strength change re-merges only that LoRA’s keys', async () => {
    const a = await readLora(
      await loraFile('a.safetensors', [
        t('lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight', [2, 6], down),
        t('lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight', [6, 2], up),
      ]),
      base,
    );
    const b = await readLora(
      await loraFile('b.safetensors', [
        t('lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight', [4, 6], teDown),
        t('lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight', [6, 4], teUp),
        t('lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight', [2, 6], down),
        t('lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight', [6, 2], up),
      ]),
      base,
    );
    const stack = [
      { lora: a, strengthModel: 1, strengthClip: 1 },
      { lora: b, strengthModel: 0.25, strengthClip: 1 },
    ];
    const merged = new LoraPatchedSource(base, stack);
    const once = expectedMerge(await base.read(PROJ_IN), up, down, 2, 1);
    expectClose(await merged.read(PROJ_IN), expectedMerge(Float32Array.from(once), teUp, teDown, 4, 0.25));
    expect(changedKeys(stack, [stack[0], { ...stack[1], strengthClip: 0.3 }])).toEqual([Q_PROJ]);
    expect(changedKeys(stack, [stack[0]]).sort()).toEqual([PROJ_IN, Q_PROJ].sort());
    expect(changedKeys(stack, stack)).toEqual([]);
  });
});

describe('SDXL text-encoder LoRAs', () => {
  const XL_Q = 'conditioner.embedders.0.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight';
  const XL_PACKED = 'conditioner.embedders.1.model.transformer.resblocks.0.attn.in_proj_weight';
  const XL_FC1 = 'conditioner.embedders.1.model.transformer.resblocks.0.mlp.c_fc.weight';
  const REFINER_PACKED = 'conditioner.embedders.0.model.transformer.resblocks.0.attn.in_proj_weight';
  const xl = new MemoryTensorSource('xl.safetensors', [
    t(XL_Q, [6, 6]),
    t(XL_PACKED, [18, 6]),
    t(XL_FC1, [12, 6]),
  ]);
  const [down, up, fcDown, fcUp] = [random(2 * 6), random(6 * 2), random(3 * 6), random(12 * 3)];

  it('kohya lora_te1_ patches CLIP-L and lora_te2_ OpenCLIP-bigG (packed k rows, mlp), at the clip strength', async () => {
    const file = await loraFile('xl-kohya.safetensors', [
      t('lora_te1_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight', [2, 6], down),
      t('lora_te1_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight', [6, 2], up),
      t('lora_te2_text_model_encoder_layers_0_self_attn_k_proj.lora_down.weight', [2, 6], down),
      t('lora_te2_text_model_encoder_layers_0_self_attn_k_proj.lora_up.weight', [6, 2], up),
      t('lora_te2_text_model_encoder_layers_0_self_attn_k_proj.alpha', [], Float32Array.of(1)),
      t('lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_down.weight', [3, 6], fcDown),
      t('lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_up.weight', [12, 3], fcUp),
    ]);
    const lora = await readLora(file, xl);
    await file.close();
    expect(lora.warning).toBeUndefined();
    const merged = new LoraPatchedSource(xl, [{ lora, strengthModel: 0.3, strengthClip: 0.8 }]);
    expect(merged.patchedKeys().sort()).toEqual([XL_FC1, XL_PACKED, XL_Q].sort());
    expectClose(await merged.read(XL_Q), expectedMerge(await xl.read(XL_Q), up, down, 2, 0.8));
    // k is the second block of 6 rows in the packed [q; k; v] weight; alpha 1 / rank 2.
    expectClose(await merged.read(XL_PACKED), expectedMerge(await xl.read(XL_PACKED), up, down, 2, 0.4, 6));
    expectClose(await merged.read(XL_FC1), expectedMerge(await xl.read(XL_FC1), fcUp, fcDown, 3, 0.8));
  });

  it('diffusers text_encoder_2. names reach bigG, also in the refiner (bigG at embedders.0)', async () => {
    const refiner = new MemoryTensorSource('refiner.safetensors', [t(REFINER_PACKED, [18, 6])]);
    const file = await loraFile('xl-peft.safetensors', [
      t('text_encoder_2.text_model.encoder.layers.0.self_attn.q_proj.lora_A.weight', [2, 6], down),
      t('text_encoder_2.text_model.encoder.layers.0.self_attn.q_proj.lora_B.weight', [6, 2], up),
    ]);
    const lora = await readLora(file, refiner);
    await file.close();
    const merged = new LoraPatchedSource(refiner, [{ lora, strengthModel: 1, strengthClip: 1 }]);
    expectClose(
      await merged.read(REFINER_PACKED),
      expectedMerge(await refiner.read(REFINER_PACKED), up, down, 2, 1),
    );
  });
});
