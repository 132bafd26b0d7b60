// LoRA merging checked against the formula itself, computed here in float64:
// W' = W + strength · (alpha / rank) · (up @ down), conv kernels flattened (Hu et al. 2021, eq. 3).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLora } from '../../../main/checkpoint/lora.ts';
import { changedKeys, LoraPatchedSource } from '../../../main/checkpoint/lora-source.ts';
import { MemoryTensorSource } from '../../../main/checkpoint/memory-source.ts';
import { openSafetensors } from '../../../main/checkpoint/safetensors-read.ts';
import { type TensorToWrite, writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { SeededRandom } from '../../../main/onnx/random.ts';
import { tempDir } from './raw-safetensors.ts';

const U = 'model.diffusion_model.';
const PROJ_IN = `${U}input_blocks.1.1.proj_in.weight`; // 1×1 conv in SD 1.x
const CONV1 = `${U}input_blocks.1.0.in_layers.2.weight`; // 3×3 conv (LoCon)
const TO_K = `${U}input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight`;
const Q_PROJ = 'cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight';
const PACKED = 'cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight';

const rng = new SeededRandom(7);
const random = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const t = (name: string, shape: number[], values = random(count(shape))): TensorToWrite => ({
  name,
  shape,
  dtype: 'F32',
  values,
});

const base = new MemoryTensorSource('base.safetensors', [
  t(PROJ_IN, [6, 6, 1, 1]),
  t(CONV1, [6, 5, 3, 3]),
  t(TO_K, [6, 12]),
  t(Q_PROJ, [6, 6]),
  t('model.diffusion_model.input_blocks.3.0.op.weight', [6, 6, 3, 3]),
  t('model.diffusion_model.output_blocks.2.0.in_layers.2.weight', [2, 2, 1, 1]),
]);
/** An SD 2.x-shaped checkpoint: OpenCLIP's packed attention weight. */
const base2 = new MemoryTensorSource('sd2.safetensors', [t(TO_K, [6, 12]), t(PACKED, [18, 6])]);

/** Float64 reference: W + factor · (up @ down) over rows [start, start + out). */
function expectedMerge(
  w: Float32Array,
  up: Float32Array,
  down: Float32Array,
  rank: number,
  factor: number,
  start = 0,
): Float64Array {
  const out = up.length / rank;
  const cols = down.length / rank;
  const result = Float64Array.from(w);
  for (let o = 0; o < out; o++)
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      for (let r = 0; r < rank; r++) sum += up[o * rank + r] * down[r * cols + c];
      result[(start + o) * cols + c] += factor * sum;
    }
  return result;
}

/** Float32 rounding of a rank-r sum: a few ulps of the largest term, relative to max(1, |value|). */
function expectClose(actual: Float32Array, expected: Float64Array, tolerance = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++)
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  expect(worst).toBeLessThan(tolerance);
}

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loraFile(name: string, tensors: TensorToWrite[]) {
  const path = join(dir, name);
  await writeSafetensors(path, tensors);
  return openSafetensors(path);
}

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
