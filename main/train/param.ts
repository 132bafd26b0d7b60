// A trainable tensor: its values and the gradient accumulated by backward passes.
import { GaussianStream } from '../../nodes/math/noise.ts';
import { alloc, type Vec } from './tensor.ts';

export class Param {
  readonly data: Vec;
  readonly grad: Vec;

  constructor(
    readonly name: string,
    readonly shape: number[],
  ) {
    const size = shape.reduce((a, b) => a * b, 1);
    this.data = alloc(size);
    this.grad = alloc(size);
  }
}

/** Deterministic weight initialisation: N(0, std²) from one seeded stream shared by a whole model. */
export class Initialiser {
  private readonly stream: GaussianStream;
  private readonly scratch = new Float32Array(1);

  constructor(seed: number) {
    this.stream = new GaussianStream(seed);
  }

  normal(param: Param, std: number): Param {
    for (let i = 0; i < param.data.length; i++) {
      this.stream.fill(this.scratch);
      param.data[i] = this.scratch[0] * std;
    }
    return param;
  }

  /** He-style fan-in scaling, which keeps activations near unit variance through SiLU. */
  fanIn(param: Param, fanIn: number, gain = 1): Param {
    return this.normal(param, gain / Math.sqrt(fanIn));
  }
}

/** A layer or block that owns parameters. */
export interface HasParams {
  params(): Param[];
}
