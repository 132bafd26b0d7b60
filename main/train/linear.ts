// Fully connected layer y = x·Wᵀ + b on [N, in] rows (W is [out, in], PyTorch's layout), and a
// lookup table of learned vectors (class embeddings).
import { gemmNN, gemmNT, gemmTN } from './gemm.ts';
import { type HasParams, type Initialiser, Param } from './param.ts';
import { type Act, act } from './tensor.ts';

export class Linear implements HasParams {
  readonly weight: Param;
  readonly bias: Param;
  private input?: Act;

  constructor(
    name: string,
    readonly inputs: number,
    readonly outputs: number,
    init: Initialiser,
    gain = 1,
  ) {
    this.weight = init.fanIn(new Param(`${name}.weight`, [outputs, inputs]), inputs, gain);
    this.bias = new Param(`${name}.bias`, [outputs]);
  }

  params(): Param[] {
    return [this.weight, this.bias];
  }

  forward(x: Act): Act {
    const n = x.shape[0];
    if (x.data.length !== n * this.inputs)
      throw new Error(`${this.weight.name}: expected ${this.inputs} inputs per row`);
    this.input = x;
    const y = act([n, this.outputs]);
    for (let r = 0; r < n; r++) y.data.set(this.bias.data, r * this.outputs);
    gemmNT(n, this.outputs, this.inputs, x.data, 0, this.weight.data, 0, y.data, 0);
    return y;
  }

  backward(dy: Act): Act {
    const x = this.input;
    if (!x) throw new Error(`${this.weight.name}: backward before forward`);
    const n = x.shape[0];
    gemmTN(this.outputs, this.inputs, n, dy.data, 0, x.data, 0, this.weight.grad, 0);
    for (let r = 0; r < n; r++) {
      for (let o = 0; o < this.outputs; o++) this.bias.grad[o] += dy.data[r * this.outputs + o];
    }
    const dx = act([n, this.inputs]);
    gemmNN(n, this.inputs, this.outputs, dy.data, 0, this.weight.data, 0, dx.data, 0);
    return dx;
  }
}

export class Embedding implements HasParams {
  readonly weight: Param;
  private ids: number[] = [];

  constructor(
    name: string,
    readonly count: number,
    readonly width: number,
    init: Initialiser,
  ) {
    this.weight = init.normal(new Param(`${name}.weight`, [count, width]), 1);
  }

  params(): Param[] {
    return [this.weight];
  }

  forward(ids: readonly number[]): Act {
    const y = act([ids.length, this.width]);
    ids.forEach((id, r) => {
      if (!Number.isInteger(id) || id < 0 || id >= this.count)
        throw new Error(`${this.weight.name}: id ${id} is outside 0..${this.count - 1}`);
      y.data.set(this.weight.data.subarray(id * this.width, (id + 1) * this.width), r * this.width);
    });
    this.ids = [...ids];
    return y;
  }

  backward(dy: Act): void {
    this.ids.forEach((id, r) => {
      for (let i = 0; i < this.width; i++)
        this.weight.grad[id * this.width + i] += dy.data[r * this.width + i];
    });
  }
}
