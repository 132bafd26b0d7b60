import { describe, expect, it } from 'vitest';
import type { OnnxValueInfo } from '../../../main/runtime/onnx-header.ts';
import {
  classifySlot,
  SlotMismatchError,
  textEncoderSignature,
  unetSignature,
  vaeSignature,
} from '../../../main/runtime/slot-signatures.ts';

const v = (name: string, type: OnnxValueInfo['type'], shape: (number | string)[]): OnnxValueInfo => ({
  name,
  type,
  shape,
});
const unetIO = (timestep: OnnxValueInfo, batch: number | string = 'batch') => ({
  inputs: [
    v('sample', 'float32', [batch, 4, 'h', 'w']),
    timestep,
    v('encoder_hidden_states', 'float32', [batch, 77, 768]),
  ],
  outputs: [v('out_sample', 'float32', [batch, 4, 'h', 'w'])],
});

describe('U-Net signature', () => {
  it('reads SD 1.5 optimum exports: int64 timestep [1] shared by a dynamic batch', () => {
    const sig = unetSignature(unetIO(v('timestep', 'int64', [1])), 'unet.onnx');
    expect(sig).toMatchObject({ sampleType: 'float32', channels: 4, batch: 'dynamic', output: 'out_sample' });
    expect(sig.timestep).toEqual({ type: 'int64', layout: 'one' });
    expect(sig.context).toEqual({ type: 'float32', tokens: 77, hidden: 768 });
  });

  it('distinguishes timestep [batch], scalar [] and a fixed batch of 1', () => {
    expect(unetSignature(unetIO(v('timestep', 'float32', ['batch'])), 'u').timestep.layout).toBe('batch');
    expect(unetSignature(unetIO(v('timestep', 'float16', [])), 'u').timestep.layout).toBe('scalar');
    const fixed = unetSignature(unetIO(v('timestep', 'int64', [1]), 1), 'u');
    expect(fixed.batch).toBe(1);
    expect(fixed.timestep.layout).toBe('batch');
  });

  it('takes models without text input as unconditional and reads LCM timestep_cond', () => {
    const io = {
      inputs: [
        v('sample', 'float16', ['b', 4, 64, 64]),
        v('timestep', 'int64', [1]),
        v('timestep_cond', 'float16', ['b', 256]),
      ],
      outputs: [v('out_sample', 'float16', ['b', 4, 64, 64])],
    };
    const sig = unetSignature(io, 'lcm.onnx');
    expect(sig.context).toBeUndefined();
    expect(sig.timestepCond).toEqual({ type: 'float16', dim: 256 });
  });

  it('lists expected and found inputs when a model does not fit', () => {
    const io = {
      inputs: [v('features', 'float32', ['n', 10]), v('mask', 'float32', ['n', 10])],
      outputs: [v('score', 'float32', ['n', 1])],
    };
    const error = (() => {
      try {
        unetSignature(io, '/models/x.onnx');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(SlotMismatchError);
    expect(error?.message).toContain('/models/x.onnx does not fit the U-Net slot');
    expect(error?.message).toContain('Expected: sample float32|float16');
    expect(error?.message).toContain('Found inputs: features: float32[n,10], mask: float32[n,10]');
  });

  it("reads SDXL's text_embeds and time_ids (6 base, 5 refiner), which must come together", () => {
    const io = unetIO(v('timestep', 'int64', [1]));
    const withInputs = (...extra: OnnxValueInfo[]) => ({ ...io, inputs: [...io.inputs, ...extra] });
    const pooled = v('text_embeds', 'float32', ['batch', 1280]);
    const base = withInputs(pooled, v('time_ids', 'float16', ['batch', 6]));
    expect(unetSignature(base, 'xl.onnx').sdxl).toEqual({
      pooledType: 'float32',
      pooled: 1280,
      idsType: 'float16',
      ids: 6,
    });
    const refiner = withInputs(pooled, v('time_ids', 'float32', ['batch', 5]));
    expect(unetSignature(refiner, 'refiner.onnx').sdxl?.ids).toBe(5);
    expect(() => unetSignature(withInputs(pooled), 'xl.onnx')).toThrow(
      /xl\.onnx does not fit the U-Net slot \(text_embeds and time_ids \(SDXL\) come together\)/,
    );
    const badIds = withInputs(pooled, v('time_ids', 'float32', ['batch', 4]));
    expect(() => unetSignature(badIds, 'xl.onnx')).toThrow(/time_ids must be float \[batch,6\]/);
  });
});

describe('text encoder and VAE signatures', () => {
  it('reads input_ids type, tokens and hidden size', () => {
    const io = {
      inputs: [v('input_ids', 'int64', ['batch', 77])],
      outputs: [
        v('last_hidden_state', 'float16', ['batch', 77, 1024]),
        v('pooler_output', 'float16', ['batch', 1024]),
      ],
    };
    expect(textEncoderSignature(io, 't')).toMatchObject({
      idsType: 'int64',
      batch: 'dynamic',
      tokens: 77,
      hidden: 1024,
      output: 'last_hidden_state',
    });
  });

  it('rejects a text encoder with float ids', () => {
    const io = {
      inputs: [v('input_ids', 'float32', ['b', 77])],
      outputs: [v('last_hidden_state', 'float32', ['b', 77, 8])],
    };
    expect(() => textEncoderSignature(io, 'te.onnx')).toThrow(/te\.onnx does not fit the text encoder slot/);
  });

  it('takes the encoder mean from latent_parameters (2C channels)', () => {
    const io = {
      inputs: [v('sample', 'float32', ['b', 3, 'H', 'W'])],
      outputs: [v('latent_parameters', 'float32', ['b', 8, 'h', 'w'])],
    };
    expect(vaeSignature(io, 'e', 'vae_encoder')).toMatchObject({
      parameters: true,
      latentChannels: 4,
      output: 'latent_parameters',
    });
    const plain = { inputs: io.inputs, outputs: [v('latent_sample', 'float32', ['b', 4, 'h', 'w'])] };
    expect(vaeSignature(plain, 'e', 'vae_encoder')).toMatchObject({ parameters: false, latentChannels: 4 });
  });

  it('classifies single files by their input names', () => {
    expect(classifySlot(unetIO(v('timestep', 'int64', [1])))).toBe('unet');
    expect(classifySlot({ inputs: [v('input_ids', 'int32', ['b', 77])], outputs: [] })).toBe('text_encoder');
    expect(classifySlot({ inputs: [v('latent_sample', 'float32', ['b', 4, 'h', 'w'])], outputs: [] })).toBe(
      'vae_decoder',
    );
    expect(classifySlot({ inputs: [v('sample', 'float32', ['b', 3, 'H', 'W'])], outputs: [] })).toBe(
      'vae_encoder',
    );
    expect(classifySlot({ inputs: [v('features', 'float32', ['n', 10])], outputs: [] })).toBeNull();
  });
});
