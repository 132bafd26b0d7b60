import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectModel, requireCheckpoint } from '../../../main/checkpoint/detect.ts';
import { MemoryTensorSource } from '../../../main/checkpoint/memory-source.ts';
import { choosePrediction, V_NORM_KEY } from '../../../main/checkpoint/prediction.ts';
import { openSafetensors } from '../../../main/checkpoint/safetensors-read.ts';
import { type TensorToWrite, writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { sdxlMarkers, tinySdxlUnetTensors } from '../../fixtures/checkpoints/tiny-sdxl.ts';
import { tempDir } from './raw-safetensors.ts';

const U = 'model.diffusion_model.';

/** Tensors with real key names and shapes (zeros unless given): enough for header-level detection. */
function tensors(
  shapes: Record<string, number[]>,
  values: Record<string, Float32Array> = {},
): TensorToWrite[] {
  return Object.entries(shapes).map(([name, shape]) => ({
    name,
    shape,
    dtype: 'F16' as const,
    values: values[name] ?? new Float32Array(shape.reduce((a, b) => a * b, 1)),
  }));
}

const source = (
  shapes: Record<string, number[]>,
  meta: Record<string, string> = {},
  values: Record<string, Float32Array> = {},
) => new MemoryTensorSource('mem.safetensors', tensors(shapes, values), meta);

const unet = (inChannels: number, context: number) => ({
  [`${U}input_blocks.0.0.weight`]: [8, inChannels, 3, 3],
  [`${U}input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight`]: [8, context],
});
const vae = { 'first_stage_model.decoder.conv_in.weight': [8, 4, 3, 3] };
const clipL = { 'cond_stage_model.transformer.text_model.embeddings.token_embedding.weight': [10, 8] };
const openClipH = { 'cond_stage_model.model.token_embedding.weight': [10, 8] };

describe('detectModel: checkpoints', () => {
  it('SD 1.x from the HF CLIP-L text encoder, with its parts', () => {
    const d = detectModel(source({ ...unet(4, 768), ...clipL, ...vae }));
    expect(d).toMatchObject({
      kind: 'checkpoint',
      family: 'sd1',
      inChannels: 4,
      contextDim: 768,
      supported: true,
      label: 'SD 1.x',
    });
    expect(d.parts).toEqual({ unet: true, textEncoder: true, vae: true });
  });
  it('SD 2.x from the OpenCLIP text tower', () => {
    expect(detectModel(source({ ...unet(4, 1024), ...openClipH }))).toMatchObject({
      family: 'sd2',
      contextDim: 1024,
      supported: true,
    });
  });
  it('the family from the context width when the text encoder is missing', () => {
    const d = detectModel(source(unet(4, 1024)));
    expect(d).toMatchObject({
      family: 'sd2',
      supported: true,
      parts: { unet: true, textEncoder: false, vae: false },
    });
  });
  it('inpainting from the 9-channel input', () => {
    expect(detectModel(source({ ...unet(9, 768), ...clipL }))).toMatchObject({
      label: 'SD 1.x inpainting',
      inChannels: 9,
      supported: true,
    });
    expect(detectModel(source({ ...unet(9, 1024), ...openClipH }))).toMatchObject({
      label: 'SD 2.x inpainting',
      supported: true,
    });
  });
  it('instruct-pix2pix (8 channels) recognised and refused', () => {
    const d = detectModel(source({ ...unet(8, 768), ...clipL }));
    expect(d).toMatchObject({ label: 'SD 1.x instruct-pix2pix', supported: false });
    expect(d.reason).toMatch(/8 input channels/);
  });
  it('SDXL base and refiner recognised and supported, with or without their text encoders', () => {
    const xlUnet = (context: number, adm: number) => ({
      ...unet(4, context),
      [`${U}label_emb.0.0.weight`]: [8, adm],
    });
    const base = detectModel(
      source({
        ...xlUnet(2048, 2816),
        'conditioner.embedders.0.transformer.text_model.embeddings.token_embedding.weight': [10, 8],
        'conditioner.embedders.1.model.token_embedding.weight': [10, 8],
      }),
    );
    expect(base).toMatchObject({ kind: 'checkpoint', family: 'sdxl', label: 'SDXL', supported: true });
    expect(base).toMatchObject({ contextDim: 2048, admInChannels: 2816 });
    const refiner = detectModel(
      source({ ...xlUnet(1280, 2560), 'conditioner.embedders.0.model.token_embedding.weight': [10, 8] }),
    );
    expect(refiner).toMatchObject({ family: 'sdxl-refiner', label: 'SDXL refiner', supported: true });
    // U-Net-only files: label_emb's width tells the refiner (2560) from the base (2816).
    expect(detectModel(source(xlUnet(1280, 2560))).family).toBe('sdxl-refiner');
    expect(detectModel(source(xlUnet(2048, 2816))).family).toBe('sdxl');
    expect(detectModel(source({ ...xlUnet(2048, 2816), ...vae })).parts).toEqual({
      unet: true,
      textEncoder: false,
      vae: true,
    });
  });
  it('requireCheckpoint names the families it takes', () => {
    const base = new MemoryTensorSource('tiny-sdxl.safetensors', tinySdxlUnetTensors('sdxl'));
    expect(requireCheckpoint(base, ['sdxl', 'sdxl-refiner']).family).toBe('sdxl');
    expect(() => requireCheckpoint(base)).toThrow(
      'tiny-sdxl.safetensors: SDXL — this step builds SD 1.x, SD 2.x checkpoints only',
    );
  });
  it('never uses the file name', () => {
    const named = new MemoryTensorSource(
      'sd_xl_base_1.0.safetensors',
      tensors({ ...unet(4, 768), ...clipL }),
    );
    expect(detectModel(named).family).toBe('sd1');
  });
});

describe('detectModel: other files', () => {
  const cases: [string, Record<string, number[]>, object][] = [
    [
      'SD3',
      { 'model.diffusion_model.joint_blocks.0.x_block.attn.qkv.weight': [6, 2] },
      { kind: 'unsupported', label: 'SD3 (MMDiT)' },
    ],
    ['Flux', { 'double_blocks.0.img_attn.qkv.weight': [6, 2] }, { kind: 'unsupported', label: 'Flux' }],
    [
      'a video U-Net',
      { ...unet(8, 1024), [`${U}input_blocks.1.0.time_stack.in_layers.0.weight`]: [4] },
      { label: 'Stable Video Diffusion (video U-Net)' },
    ],
    [
      'a kohya LoRA',
      { 'lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight': [4, 8] },
      { kind: 'lora', layout: 'kohya', supported: true },
    ],
    [
      'a PEFT LoRA',
      { 'unet.down_blocks.0.attentions.0.proj_in.lora_A.weight': [4, 8] },
      { kind: 'lora', layout: 'peft' },
    ],
    [
      'an SDXL LoRA',
      { 'lora_te1_text_model_encoder_layers_0_mlp_fc1.lora_down.weight': [4, 8] },
      { kind: 'lora', supported: true, label: 'LoRA (kohya) for SDXL' },
    ],
    [
      'an LDM VAE',
      {
        'encoder.conv_in.weight': [8, 3, 3, 3],
        'decoder.conv_in.weight': [8, 4, 3, 3],
        'decoder.up.0.block.0.conv1.weight': [8, 8, 3, 3],
      },
      { kind: 'vae', layout: 'ldm', supported: true },
    ],
    [
      'a diffusers VAE',
      {
        'encoder.conv_in.weight': [8, 3, 3, 3],
        'decoder.conv_in.weight': [8, 4, 3, 3],
        'decoder.up_blocks.0.resnets.0.conv1.weight': [8, 8, 3, 3],
      },
      { kind: 'vae', layout: 'diffusers' },
    ],
    ['a 16-channel VAE', { 'decoder.conv_in.weight': [8, 16, 3, 3] }, { kind: 'vae', supported: false }],
    ['an emb_params embedding', { emb_params: [2, 768] }, { kind: 'embedding', layout: 'emb_params' }],
    [
      'a string_to_param embedding',
      { 'string_to_param.*': [2, 768] },
      { kind: 'embedding', layout: 'string_to_param' },
    ],
    ['an SDXL embedding', { clip_l: [2, 768], clip_g: [2, 1280] }, { kind: 'embedding', supported: false }],
    [
      'a diffusers U-Net',
      { 'conv_in.weight': [8, 4, 3, 3], 'down_blocks.0.resnets.0.conv1.weight': [8, 8, 3, 3] },
      { kind: 'unsupported', label: 'a diffusers U-Net (unet/diffusion_pytorch_model)' },
    ],
    ['something else', { 'fc.weight': [2, 2] }, { kind: 'unsupported', label: 'an unknown model' }],
  ];
  for (const [what, shapes, expected] of cases) {
    it(what, () => {
      expect(detectModel(source(shapes))).toMatchObject(expected);
    });
  }
});

describe('requireCheckpoint on files: refusals name the file and what it is', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function refusal(name: string, shapes: Record<string, number[]>): Promise<string> {
    const path = join(dir, name);
    await writeSafetensors(path, tensors(shapes));
    const file = await openSafetensors(path);
    try {
      requireCheckpoint(file);
      return 'accepted';
    } catch (error) {
      return (error as Error).message;
    } finally {
      await file.close();
    }
  }

  it('a LoRA passed as a checkpoint', async () => {
    const message = await refusal('my-model.safetensors', {
      'lora_unet_mid_block_attentions_0_proj_out.lora_up.weight': [8, 4],
    });
    expect(message).toMatch(
      /my-model\.safetensors: LoRA \(kohya\) — this is a LoRA \(kohya\), not a checkpoint: load a checkpoint and apply it with LoadLoRA/,
    );
  });
  it('an unsupported architecture, listing what is supported', async () => {
    const message = await refusal('flux.safetensors', { 'double_blocks.0.img_attn.qkv.weight': [6, 2] });
    expect(message).toMatch(
      /flux\.safetensors: Flux — Flux is not supported; supported checkpoints: SD 1\.x and SD 2\.x/,
    );
  });
  it('accepts an SD 1.x file', async () => {
    expect(await refusal('sd1.safetensors', { ...unet(4, 768), ...clipL })).toBe('accepted');
  });
});

describe('choosePrediction', () => {
  const sd2 = { ...unet(4, 1024), ...openClipH };
  const norm = (spread: number) => ({
    [V_NORM_KEY]: Float32Array.from({ length: 8 }, (_, i) => (i % 2 ? spread : -spread)),
  });
  it('override wins over everything', async () => {
    const src = source(sd2, { 'modelspec.prediction_type': 'v' });
    expect(await choosePrediction(src, detectModel(src), 'epsilon')).toEqual({
      prediction: 'epsilon',
      source: 'override',
    });
  });
  it('metadata: modelspec and kohya fields', async () => {
    const spec = source(sd2, { 'modelspec.prediction_type': 'v' });
    expect((await choosePrediction(spec, detectModel(spec))).prediction).toBe('v_prediction');
    const kohya = source({ ...unet(4, 768), ...clipL }, { ss_v_parameterization: 'True' });
    expect(await choosePrediction(kohya, detectModel(kohya))).toMatchObject({
      prediction: 'v_prediction',
      source: 'metadata ss_v_parameterization',
    });
  });
  it('the v_pred marker key', async () => {
    const src = source({ ...unet(4, 768), ...clipL, v_pred: [] });
    expect((await choosePrediction(src, detectModel(src))).prediction).toBe('v_prediction');
  });
  it('SDXL: epsilon by default; v_pred / ztsnr markers (as v-prediction fine-tunes carry) and metadata; override wins', async () => {
    const xl = (extra: TensorToWrite[] = [], meta: Record<string, string> = {}) =>
      new MemoryTensorSource('xl.safetensors', [...tinySdxlUnetTensors('sdxl'), ...extra], meta);
    const plain = xl();
    expect(await choosePrediction(plain, detectModel(plain))).toEqual({
      prediction: 'epsilon',
      source: 'default for SDXL',
    });
    const marked = xl(sdxlMarkers('v_pred', 'ztsnr'));
    expect(await choosePrediction(marked, detectModel(marked))).toEqual({
      prediction: 'v_prediction',
      source: 'heuristic: "v_pred" marker key',
      zeroTerminalSnr: true,
    });
    expect(await choosePrediction(marked, detectModel(marked), 'epsilon')).toEqual({
      prediction: 'epsilon',
      source: 'override',
      zeroTerminalSnr: true,
    });
    const spec = xl([], { 'modelspec.prediction_type': 'v' });
    expect((await choosePrediction(spec, detectModel(spec))).prediction).toBe('v_prediction');
  });
  it('SD 1.x defaults to epsilon; SD 2.x by the norm-bias spread (std 0.1 vs 0.05 around 0.09)', async () => {
    const sd1 = source({ ...unet(4, 768), ...clipL });
    expect((await choosePrediction(sd1, detectModel(sd1))).prediction).toBe('epsilon');
    const wide = source({ ...sd2, [V_NORM_KEY]: [8] }, {}, norm(0.1));
    expect((await choosePrediction(wide, detectModel(wide))).prediction).toBe('v_prediction');
    const narrow = source({ ...sd2, [V_NORM_KEY]: [8] }, {}, norm(0.05));
    expect((await choosePrediction(narrow, detectModel(narrow))).prediction).toBe('epsilon');
    const inpaint = source({ ...unet(9, 1024), ...openClipH, [V_NORM_KEY]: [8] }, {}, norm(0.1));
    expect((await choosePrediction(inpaint, detectModel(inpaint))).prediction).toBe('epsilon');
  });
});
