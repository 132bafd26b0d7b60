import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectModel } from '../../../main/checkpoint/detect.ts';
import { readEmbedding } from '../../../main/checkpoint/embedding.ts';
import { openSafetensors } from '../../../main/checkpoint/safetensors-read.ts';
import { type TensorToWrite, writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { tempDir } from './raw-safetensors.ts';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ramp = (n: number, scale = 1) => Float32Array.from({ length: n }, (_, i) => (i - n / 2) * 0.25 * scale);

async function embeddingFile(name: string, tensors: TensorToWrite[]) {
  const path = join(dir, name);
  await writeSafetensors(path, tensors);
  return openSafetensors(path);
}

describe('readEmbedding', () => {
  it('A1111 emb_params: vectors and token count', async () => {
    const file = await embeddingFile('style.safetensors', [
      { name: 'emb_params', shape: [3, 8], dtype: 'F16', values: ramp(24) },
    ]);
    const e = await readEmbedding(file, 8);
    expect(detectModel(file)).toMatchObject({ kind: 'embedding', layout: 'emb_params' });
    await file.close();
    expect(e.tokens).toBe(3);
    expect(e.layout).toBe('emb_params');
    expect([...(e.vectors.get('default')?.values ?? [])]).toEqual([...ramp(24)]);
  });
  it('string_to_param.* and diffusers single-token layouts', async () => {
    const stp = await embeddingFile('stp.safetensors', [
      { name: 'string_to_param.*', shape: [2, 8], dtype: 'F32', values: ramp(16) },
    ]);
    expect((await readEmbedding(stp, 8)).tokens).toBe(2);
    await stp.close();
    const diffusers = await embeddingFile('toy.safetensors', [
      { name: '<cat-toy>', shape: [8], dtype: 'F32', values: ramp(8) },
    ]);
    const e = await readEmbedding(diffusers, 8);
    await diffusers.close();
    expect(e).toMatchObject({ tokens: 1, layout: 'diffusers' });
  });
  it('SDXL clip_l + clip_g recognised, refused for an SD 1.x/2.x encoder, read per SDXL encoder', async () => {
    const file = await embeddingFile('xl.safetensors', [
      { name: 'clip_g', shape: [2, 12], dtype: 'F16', values: ramp(24) },
      { name: 'clip_l', shape: [2, 8], dtype: 'F16', values: ramp(16) },
    ]);
    const e = await readEmbedding(file);
    expect(e).toMatchObject({ layout: 'sdxl', tokens: 2 });
    expect(e.vectors.get('clip_g')?.width).toBe(12);
    await expect(readEmbedding(file, 768)).rejects.toThrow(
      /xl\.safetensors: an SDXL embedding \(clip_l \+ clip_g\) cannot be used with this text encoder \(768 wide \(SD 1\.x\)\): expected an SD 1\.x\/2\.x embedding \(emb_params/,
    );
    const g = await readEmbedding(file, 12, 'clip_g');
    expect([...(g.vectors.get('clip_g')?.values ?? [])]).toEqual([...ramp(24)]);
    await expect(readEmbedding(file, 1280, 'clip_g')).rejects.toThrow(
      /xl\.safetensors: the embedding's clip_g vectors are 12 wide but SDXL's OpenCLIP-bigG takes 1280/,
    );
    await file.close();
  });
  it('an SD 1.x embedding is refused for an SDXL encoder, naming the file and what was expected', async () => {
    const file = await embeddingFile('sd1-for-xl.safetensors', [
      { name: 'emb_params', shape: [1, 8], dtype: 'F16', values: ramp(8) },
    ]);
    await expect(readEmbedding(file, 8, 'clip_l')).rejects.toThrow(
      /sd1-for-xl\.safetensors: an SD 1\.x\/2\.x embedding \(emb_params, 8 wide\) cannot be used with SDXL: expected an SDXL embedding with clip_l and clip_g tensors/,
    );
    await file.close();
  });
  it('a width that does not fit the text encoder is an error naming both widths', async () => {
    const file = await embeddingFile('sd1-emb.safetensors', [
      { name: 'emb_params', shape: [1, 768], dtype: 'F16', values: ramp(768, 0.01) },
    ]);
    await expect(readEmbedding(file, 1024)).rejects.toThrow(
      /sd1-emb\.safetensors: the embedding's vectors are 768 wide \(SD 1\.x\) but this text encoder takes 1024 \(SD 2\.x\)/,
    );
    await file.close();
  });
  it('something else is not an embedding', async () => {
    const file = await embeddingFile('other.safetensors', [
      { name: 'a', shape: [1], dtype: 'F32', values: ramp(1) },
      { name: 'b', shape: [1], dtype: 'F32', values: ramp(1) },
    ]);
    await expect(readEmbedding(file)).rejects.toThrow(
      /other\.safetensors: not a textual-inversion embedding/,
    );
    await file.close();
  });
});
