// A small U-Net noise predictor ε_θ(x_t, t, class) for pixel-space DDPM training at 32×32:
// conv_in → ResBlock → ↓2 → ResBlock → ↓2 → ResBlock + self-attention (8×8) → ↑2 (+skip) → ResBlock
// → ↑2 (+skip) → ResBlock → GroupNorm, SiLU, conv_out. The timestep reaches every block through a
// sinusoidal embedding and an MLP; an optional class embedding is added to it (row `classes` is the
// "no class" row used by classifier-free dropout and unconditional sampling).
import { interpOnIndex } from '../../nodes/math/numeric.ts';
import { SiLU } from './activation.ts';
import { SelfAttention } from './attention.ts';
import { Conv2d } from './conv.ts';
import { ddpmAlphasCumprod } from './ddpm.ts';
import { Embedding, Linear } from './linear.ts';
import { GroupNorm } from './norm.ts';
import { Initialiser, type Param } from './param.ts';
import { addInto, concatChannels, splitChannels, Upsample2x } from './resample.ts';
import { ResBlock } from './resblock.ts';
import { type Act, act } from './tensor.ts';
import { timestepEmbedding } from './time-embedding.ts';

/** out += √(1−ᾱ_t)·x per item, ᾱ interpolated at fractional t as the samplers' tables are. */
function addNoiseSkip(out: Act, x: Act, timesteps: readonly number[], alphasCumprod: Float64Array): void {
  const item = out.data.length / timesteps.length;
  timesteps.forEach((t, b) => {
    const s = Math.sqrt(1 - interpOnIndex(t, alphasCumprod));
    for (let i = b * item; i < (b + 1) * item; i++) out.data[i] += s * x.data[i];
  });
}

export interface UNetConfig {
  /** Channels at full and half resolution (the 8×8 level keeps the second). */
  channels: [number, number];
  /** Width of the time (and class) embedding. */
  embWidth: number;
  groups: number;
  /** Number of classes; 0 for an unconditional model. */
  classes: number;
  imageChannels: number;
  /**
   * Add √(1−ᾱ_t)·x_t to the network's output (an input skip scaled by the noise level): at high noise
   * the best ε is ≈ x_t itself, which a small U-Net learns only slowly and imprecisely, and every
   * error there is magnified ~√(1−ᾱ)/√ᾱ (up to ~150×) in the x̂₀ a sampler derives. With the skip
   * the network learns only the residual; an untrained one predicts x̂₀ ≈ √ᾱ·x_t ≈ 0 (grey) there
   * instead of noise. Absent (false) in runs made before it existed.
   */
  noiseSkip?: boolean;
}

export class TinyUNet {
  readonly convIn: Conv2d;
  readonly timeLinear1: Linear;
  readonly timeLinear2: Linear;
  readonly classEmbedding?: Embedding;
  readonly down0: ResBlock;
  readonly downsample0: Conv2d;
  readonly down1: ResBlock;
  readonly downsample1: Conv2d;
  readonly mid: ResBlock;
  readonly midAttention: SelfAttention;
  readonly up1: ResBlock;
  readonly up0: ResBlock;
  readonly normOut: GroupNorm;
  readonly convOut: Conv2d;
  private readonly timeAct = new SiLU();
  private readonly embAct = new SiLU();
  private readonly outAct = new SiLU();
  private readonly upsample1 = new Upsample2x();
  private readonly upsample0 = new Upsample2x();
  private readonly alphasCumprod = ddpmAlphasCumprod();

  constructor(
    readonly config: UNetConfig,
    seed: number,
  ) {
    const init = new Initialiser(seed);
    const [c0, c1] = config.channels;
    const { embWidth: e, groups: g } = config;
    this.convIn = new Conv2d('conv_in', config.imageChannels, c0, { kernel: 3 }, init);
    this.timeLinear1 = new Linear('time_embedding.linear_1', c0, e, init);
    this.timeLinear2 = new Linear('time_embedding.linear_2', e, e, init);
    if (config.classes > 0)
      this.classEmbedding = new Embedding('class_embedding', config.classes + 1, e, init);
    this.down0 = new ResBlock('down.0', c0, c0, e, g, init);
    this.downsample0 = new Conv2d('down.0.downsample', c0, c0, { kernel: 3, stride: 2 }, init);
    this.down1 = new ResBlock('down.1', c0, c1, e, g, init);
    this.downsample1 = new Conv2d('down.1.downsample', c1, c1, { kernel: 3, stride: 2 }, init);
    this.mid = new ResBlock('mid.resnet', c1, c1, e, g, init);
    this.midAttention = new SelfAttention('mid.attention', c1, g, init);
    this.up1 = new ResBlock('up.1', 2 * c1, c1, e, g, init);
    this.up0 = new ResBlock('up.0', c1 + c0, c0, e, g, init);
    this.normOut = new GroupNorm('conv_norm_out', c0, g);
    this.convOut = new Conv2d('conv_out', c0, config.imageChannels, { kernel: 3 }, init, 0.1);
  }

  params(): Param[] {
    const parts = [
      this.convIn,
      this.timeLinear1,
      this.timeLinear2,
      ...(this.classEmbedding ? [this.classEmbedding] : []),
      this.down0,
      this.downsample0,
      this.down1,
      this.downsample1,
      this.mid,
      this.midAttention,
      this.up1,
      this.up0,
      this.normOut,
      this.convOut,
    ];
    return parts.flatMap((part) => part.params());
  }

  /** The "no class" id (classifier-free guidance's unconditional branch). */
  get nullClass(): number {
    return this.config.classes;
  }

  /** ε prediction for x [N, C, H, W] at integer timesteps t (0-based, as diffusers counts them). */
  forward(x: Act, timesteps: readonly number[], classes?: readonly number[]): Act {
    const out = this.network(x, timesteps, classes);
    if (this.config.noiseSkip) addNoiseSkip(out, x, timesteps, this.alphasCumprod);
    return out;
  }

  private network(x: Act, timesteps: readonly number[], classes?: readonly number[]): Act {
    const emb = this.embedding(timesteps, classes);
    const h0 = this.convIn.forward(x);
    const skip0 = this.down0.forward(h0, emb);
    const skip1 = this.down1.forward(this.downsample0.forward(skip0), emb);
    let h = this.downsample1.forward(skip1);
    h = this.midAttention.forward(this.mid.forward(h, emb));
    h = this.up1.forward(concatChannels(this.upsample1.forward(h), skip1), emb);
    h = this.up0.forward(concatChannels(this.upsample0.forward(h), skip0), emb);
    return this.convOut.forward(this.outAct.forward(this.normOut.forward(h)));
  }

  /**
   * Accumulate parameter gradients for dLoss/dOutput (after forward on the same batch). The noise
   * skip has no parameters, so dOutput passes to the network unchanged.
   */
  backward(dOut: Act): void {
    const c1 = this.config.channels[1];
    const n = dOut.shape[0];
    const dEmb = act([n, this.config.embWidth]);
    let dh = this.normOut.backward(this.outAct.backward(this.convOut.backward(dOut)));
    const [dUp0, dSkip0] = splitChannels(this.up0.backward(dh, dEmb), c1);
    dh = this.upsample0.backward(dUp0);
    const [dUp1, dSkip1] = splitChannels(this.up1.backward(dh, dEmb), c1);
    dh = this.upsample1.backward(dUp1);
    dh = this.mid.backward(this.midAttention.backward(dh), dEmb);
    dh = addInto(this.downsample1.backward(dh), dSkip1);
    dh = addInto(this.downsample0.backward(this.down1.backward(dh, dEmb)), dSkip0);
    this.convIn.backward(this.down0.backward(dh, dEmb));
    this.embeddingBackward(dEmb);
  }

  private embedding(timesteps: readonly number[], classes?: readonly number[]): Act {
    const sinusoid = timestepEmbedding(timesteps, this.config.channels[0]);
    const temb = this.timeLinear2.forward(this.timeAct.forward(this.timeLinear1.forward(sinusoid)));
    if (this.classEmbedding) {
      const ids = classes ?? timesteps.map(() => this.nullClass);
      addInto(temb, this.classEmbedding.forward(ids));
    } else if (classes) {
      throw new Error('this model has no class conditioning, but classes were given');
    }
    return this.embAct.forward(temb);
  }

  private embeddingBackward(dEmb: Act): void {
    const dTemb = this.embAct.backward(dEmb);
    this.classEmbedding?.backward(dTemb);
    this.timeLinear1.backward(this.timeAct.backward(this.timeLinear2.backward(dTemb)));
  }
}
