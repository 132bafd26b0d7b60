// How label_emb's input splits into SDXL's pooled text embedding and 256-channel size ids: from the
// file's OpenCLIP-G projection, from the released models' widths, or as told; an impossible split is
// an error naming the file.
import { describe, expect, it } from 'vitest';
import { readVectorConditioning } from '../../../main/checkpoint/sdxl-vector.ts';

const header = (shapes: Record<string, number[]>) => ({
  name: 'xl.safetensors',
  has: (key: string) => key in shapes,
  info: (key: string) => ({ dtype: 'F32' as const, shape: shapes[key] }),
});

describe('readVectorConditioning', () => {
  it('knows the released base (2816 = 1280 + 6·256) and refiner (2560 = 1280 + 5·256) without text encoders', () => {
    expect(readVectorConditioning(header({}), 2816)).toEqual({
      admInChannels: 2816,
      pooledDim: 1280,
      timeIds: 6,
    });
    expect(readVectorConditioning(header({}), 2560)).toEqual({
      admInChannels: 2560,
      pooledDim: 1280,
      timeIds: 5,
    });
  });

  it("takes the pooled width from OpenCLIP-G's text_projection (base: embedders.1, refiner: embedders.0)", () => {
    const base = header({ 'conditioner.embedders.1.model.text_projection': [64, 32] });
    expect(readVectorConditioning(base, 32 + 6 * 256)).toMatchObject({ pooledDim: 32, timeIds: 6 });
    const refiner = header({ 'conditioner.embedders.0.model.text_projection': [64, 48] });
    expect(readVectorConditioning(refiner, 48 + 5 * 256)).toMatchObject({ pooledDim: 48, timeIds: 5 });
  });

  it('an override of the id count wins; impossible splits name the file and the widths', () => {
    expect(readVectorConditioning(header({}), 100 + 3 * 256, 3)).toMatchObject({
      pooledDim: 100,
      timeIds: 3,
    });
    expect(() => readVectorConditioning(header({}), 1000)).toThrow(
      /xl\.safetensors: label_emb takes 1000 inputs and the file has no OpenCLIP-G text_projection/,
    );
    const odd = header({ 'conditioner.embedders.1.model.text_projection': [64, 32] });
    expect(() => readVectorConditioning(odd, 32 + 100)).toThrow(
      /label_emb takes 132 inputs, which is not the pooled width 32 .* plus a whole number of 256-channel ids/,
    );
  });
});
