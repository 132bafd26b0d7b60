// Every layer family of the trainer: backward pass against central finite differences (float64).
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../main/onnx/random.ts';
import { SiLU } from '../../../main/train/activation.ts';
import { SelfAttention } from '../../../main/train/attention.ts';
import { Conv2d, type ConvOptions } from '../../../main/train/conv.ts';
import { Embedding, Linear } from '../../../main/train/linear.ts';
import { GroupNorm } from '../../../main/train/norm.ts';
import { Initialiser, type Param } from '../../../main/train/param.ts';
import { concatChannels, splitChannels, Upsample2x } from '../../../main/train/resample.ts';
import { ResBlock } from '../../../main/train/resblock.ts';
import { type Act, act, withFloat64 } from '../../../main/train/tensor.ts';
import { TinyUNet } from '../../../main/train/unet.ts';
import { type Checked, type GradientCase, gradientCheck, randomFill } from './gradient-check.ts';

function input(shape: number[], seed: number): Act {
  const x = act(shape);
  randomFill(x.data, new SeededRandom(seed));
  return x;
}

function paramChecks(params: Param[]): Checked[] {
  return params.map((p) => ({ label: p.name, values: p.data, gradient: () => p.grad }));
}

/** A case for a layer with forward(x) / backward(dy) → dx: checks the input and every parameter. */
function layerCase(
  x: Act,
  layer: { forward(x: Act): Act; backward(dy: Act): Act },
  params: Param[] = [],
): GradientCase {
  let dx: Act | undefined;
  return {
    forward: () => layer.forward(x),
    backward: (dy) => {
      for (const p of params) p.grad.fill(0);
      dx = layer.backward(dy);
    },
    checked: [
      { label: 'input', values: x.data, gradient: () => dx?.data ?? new Float64Array(0) },
      ...paramChecks(params),
    ],
  };
}

function expectGradients(build: () => GradientCase, samples = 24): void {
  withFloat64(() => {
    const result = gradientCheck(build(), 7, samples);
    expect(result.mismatches).toEqual([]);
    expect(result.compared).toBeGreaterThan(0);
  });
}

describe('trainer layer gradients equal central finite differences (float64)', () => {
  const convs: [string, ConvOptions, number[]][] = [
    ['3×3 pad 1', { kernel: 3 }, [2, 3, 5, 6]],
    ['1×1', { kernel: 1 }, [2, 3, 4, 4]],
    ['3×3 stride 2', { kernel: 3, stride: 2 }, [2, 3, 6, 5]],
  ];
  for (const [name, options, shape] of convs) {
    it(`conv2d ${name}`, () =>
      expectGradients(() => {
        const conv = new Conv2d('conv', shape[1], 4, options, new Initialiser(1));
        randomFill(conv.bias.data, new SeededRandom(2));
        return layerCase(input(shape, 3), conv, conv.params());
      }));
  }

  it('group norm (affine parameters not at their initial values)', () =>
    expectGradients(() => {
      const norm = new GroupNorm('norm', 6, 3);
      randomFill(norm.weight.data, new SeededRandom(4));
      randomFill(norm.bias.data, new SeededRandom(5));
      return layerCase(input([2, 6, 3, 4], 6), norm, norm.params());
    }));

  it('SiLU', () => expectGradients(() => layerCase(input([3, 7], 8), new SiLU())));

  it('linear', () =>
    expectGradients(() => {
      const linear = new Linear('linear', 5, 4, new Initialiser(9));
      randomFill(linear.bias.data, new SeededRandom(10));
      return layerCase(input([3, 5], 11), linear, linear.params());
    }));

  it('class embedding (the rows looked up, repeated ids included)', () =>
    expectGradients(() => {
      const embedding = new Embedding('class', 4, 3, new Initialiser(12));
      const ids = [2, 0, 2];
      return {
        forward: () => embedding.forward(ids),
        backward: (dy) => {
          embedding.weight.grad.fill(0);
          embedding.backward(dy);
        },
        checked: paramChecks(embedding.params()),
      };
    }));

  it('self-attention (8 pixels, with residual)', () =>
    expectGradients(() => {
      const attention = new SelfAttention('attn', 4, 2, new Initialiser(13));
      return layerCase(input([2, 4, 2, 4], 14), attention, attention.params());
    }, 16));

  it('nearest 2× upsampling', () =>
    expectGradients(() => layerCase(input([2, 3, 3, 2], 15), new Upsample2x())));

  it('channel concatenation and its split', () =>
    expectGradients(() => {
      const a = input([2, 2, 3, 3], 16);
      const b = input([2, 3, 3, 3], 17);
      let grads: [Act, Act] | undefined;
      return {
        forward: () => concatChannels(a, b),
        backward: (dy) => {
          grads = splitChannels(dy, 2);
        },
        checked: [
          { label: 'a', values: a.data, gradient: () => grads?.[0].data ?? new Float64Array(0) },
          { label: 'b', values: b.data, gradient: () => grads?.[1].data ?? new Float64Array(0) },
        ],
      };
    }));

  it('residual block with time-embedding injection and a 1×1 shortcut', () =>
    expectGradients(() => {
      const block = new ResBlock('res', 4, 6, 5, 2, new Initialiser(18));
      const x = input([2, 4, 4, 4], 19);
      const emb = input([2, 5], 20);
      let dx: Act | undefined;
      let dEmb: Act | undefined;
      return {
        forward: () => block.forward(x, emb),
        backward: (dy) => {
          for (const p of block.params()) p.grad.fill(0);
          dEmb = act([2, 5]);
          dx = block.backward(dy, dEmb);
        },
        checked: [
          { label: 'input', values: x.data, gradient: () => dx?.data ?? new Float64Array(0) },
          { label: 'embedding', values: emb.data, gradient: () => dEmb?.data ?? new Float64Array(0) },
          ...paramChecks(block.params()),
        ],
      };
    }, 12));

  it('the whole U-Net: time MLP, class embedding, every block (8×8 input)', () =>
    expectGradients(() => {
      const model = new TinyUNet(
        { channels: [4, 6], embWidth: 8, groups: 2, classes: 3, imageChannels: 3, noiseSkip: true },
        21,
      );
      const x = input([2, 3, 8, 8], 22);
      return {
        forward: () => model.forward(x, [10, 700], [1, 3]),
        backward: (dy) => {
          for (const p of model.params()) p.grad.fill(0);
          model.backward(dy);
        },
        checked: paramChecks(model.params()),
      };
    }, 3));
});
