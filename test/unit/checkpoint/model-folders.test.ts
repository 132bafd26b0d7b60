import { mkdir, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TensorToWrite, writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { scanModelFiles } from '../../../main/checkpoint/scan.ts';
import { resolveCliPaths } from '../../../main/cli/util/paths.ts';
import { categoryFolders, splitModelRoots } from '../../../main/runtime/model-folders.ts';
import { tempDir } from './raw-safetensors.ts';

const U = 'model.diffusion_model.';
const zeros = (name: string, shape: number[], dtype: TensorToWrite['dtype'] = 'F16'): TensorToWrite => ({
  name,
  shape,
  dtype,
  values: new Float32Array(shape.reduce((a, b) => a * b, 1)),
});
const sd1 = [
  zeros(`${U}input_blocks.0.0.weight`, [8, 4, 3, 3]),
  zeros(`${U}input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight`, [8, 768]),
  zeros('cond_stage_model.transformer.text_model.embeddings.token_embedding.weight', [4, 8], 'F32'),
];
const sd2Inpaint = [
  zeros(`${U}input_blocks.0.0.weight`, [8, 9, 3, 3], 'BF16'),
  zeros(`${U}input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight`, [8, 1024], 'BF16'),
];
const lora = [
  zeros('lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight', [2, 8]),
  zeros('lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight', [8, 2]),
];
const vae = [zeros('encoder.conv_in.weight', [8, 3, 3, 3]), zeros('decoder.conv_in.weight', [8, 4, 3, 3])];
const embedding = [zeros('emb_params', [2, 768])];

let dir: string;
let comfy: string;
let webui: string;
let own: string;
beforeAll(async () => {
  dir = await tempDir();
  comfy = join(dir, 'ComfyUI', 'models');
  webui = join(dir, 'webui');
  own = join(dir, 'Diffgraph');
  const put = async (path: string, tensors: TensorToWrite[], meta?: Record<string, string>) => {
    await mkdir(join(path, '..'), { recursive: true });
    await writeSafetensors(path, tensors, meta);
  };
  await put(join(comfy, 'checkpoints', 'sd15.safetensors'), sd1, {
    'modelspec.title': 'Tiny SD',
    other: 'x',
  });
  await put(join(comfy, 'loras', 'style.safetensors'), lora, {
    ss_network_dim: '2',
    ss_output_name: 'style',
  });
  await put(join(comfy, 'vae', 'ft-mse.safetensors'), vae);
  await put(join(comfy, 'embeddings', 'neg.safetensors'), embedding);
  await put(join(webui, 'models', 'Stable-diffusion', 'sub', 'inpaint.safetensors'), sd2Inpaint, {
    'modelspec.prediction_type': 'epsilon',
  });
  await put(join(webui, 'models', 'Lora', 'detail.safetensors'), lora);
  await put(join(webui, 'models', 'VAE', 'kl.safetensors'), vae);
  await put(join(webui, 'embeddings', 'good.safetensors'), embedding);
  await put(join(own, 'checkpoints', 'a-lora-by-mistake.safetensors'), lora);
  await mkdir(join(own, 'loras'), { recursive: true });
  await writeFile(join(own, 'loras', 'broken.safetensors'), new Uint8Array([1, 2, 3]));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('model folders', () => {
  it('finds the category folders of the ComfyUI, A1111 and Diffgraph layouts', () => {
    const folders = categoryFolders([comfy, webui, own]);
    expect(folders.checkpoints).toEqual([
      join(comfy, 'checkpoints'),
      join(webui, 'models', 'Stable-diffusion'),
      join(own, 'checkpoints'),
    ]);
    expect(folders.loras).toEqual([join(comfy, 'loras'), join(webui, 'models', 'Lora'), join(own, 'loras')]);
    expect(folders.vae).toEqual([join(comfy, 'vae'), join(webui, 'models', 'VAE')]);
    expect(folders.embeddings).toEqual([join(comfy, 'embeddings'), join(webui, 'embeddings')]);
  });
  it('a ComfyUI install root works like its models/ folder', () => {
    expect(categoryFolders([join(dir, 'ComfyUI')]).checkpoints).toEqual([join(comfy, 'checkpoints')]);
  });
  it('--models (repeated or delimited) and DIFFGRAPH_MODELS name several folders', () => {
    expect(splitModelRoots([`${comfy}${delimiter}${webui}`, own, comfy])).toEqual([comfy, webui, own]);
    const fromEnv = resolveCliPaths({}, { DIFFGRAPH_MODELS: `${comfy}${delimiter}${webui}` });
    expect([fromEnv.models, ...fromEnv.extraModels]).toEqual([comfy, webui]);
    const fromFlag = resolveCliPaths({ models: [own, webui] }, { DIFFGRAPH_MODELS: comfy });
    expect([fromFlag.models, ...fromFlag.extraModels]).toEqual([own, webui]);
  });
});

describe('scanModelFiles: headers only', () => {
  it('lists every checkpoint, LoRA, VAE and embedding with architecture, dtype, size and training metadata', async () => {
    const files = await scanModelFiles([comfy, webui, own]);
    const by = (name: string) => files.find((f) => f.name === name);
    expect(by('sd15.safetensors')).toMatchObject({
      category: 'checkpoints',
      architecture: 'SD 1.x',
      kind: 'checkpoint',
      supported: true,
      dtype: 'F16',
      tensors: 3,
      metadata: { 'modelspec.title': 'Tiny SD' },
    });
    expect(by('sd15.safetensors')?.metadata).not.toHaveProperty('other');
    expect(by('sub/inpaint.safetensors')).toMatchObject({
      architecture: 'SD 2.x inpainting',
      dtype: 'BF16',
      prediction: 'epsilon',
      supported: true,
    });
    expect(by('style.safetensors')).toMatchObject({
      category: 'loras',
      kind: 'lora',
      metadata: { ss_network_dim: '2', ss_output_name: 'style' },
    });
    expect(by('ft-mse.safetensors')).toMatchObject({ category: 'vae', kind: 'vae', supported: true });
    expect(by('good.safetensors')).toMatchObject({
      category: 'embeddings',
      kind: 'embedding',
      supported: true,
    });
    expect(files.filter((f) => f.category === 'checkpoints').length).toBe(3);
  });
  it('a file of the wrong kind or unreadable is listed with its problem', async () => {
    const files = await scanModelFiles([own]);
    expect(files.find((f) => f.name === 'a-lora-by-mistake.safetensors')).toMatchObject({
      kind: 'lora',
      supported: false,
    });
    expect(files.find((f) => f.name === 'a-lora-by-mistake.safetensors')?.problem).toMatch(
      /found in the checkpoints folder: this is a LoRA/,
    );
    const broken = files.find((f) => f.name === 'broken.safetensors');
    expect(broken).toMatchObject({ kind: 'unreadable', supported: false });
    expect(broken?.problem).toMatch(/broken\.safetensors: file is 3 bytes, too short/);
  });
});
