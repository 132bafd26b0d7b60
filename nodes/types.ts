// Values that travel on wires. Every tensor is a flat Float32Array in C order plus its shape.
// These are the contracts between node families: math nodes consume MODEL through `Denoiser`,
// runtime nodes produce it from ONNX sessions.

export interface Tensor {
  data: Float32Array;
  shape: number[];
}

/** LATENT: [batch, channels, height, width] (1/8 of the pixel size for Stable Diffusion). */
export type Latent = Tensor;

/** IMAGE: [batch, height, width, 3], RGB values in 0..1. */
export type ImageBatch = Tensor;

/**
 * SDXL's size conditioning in pixels, turned into the U-Net's `time_ids` when it is called: the base
 * takes (original h, original w, crop top, crop left, target h, target w), the refiner (h, w, crop top,
 * crop left, aesthetic score). A size of 0 means the latent's size in pixels (as ComfyUI fills it in).
 */
export interface SizeConditioning {
  originalWidth: number;
  originalHeight: number;
  cropTop: number;
  cropLeft: number;
  targetWidth: number;
  targetHeight: number;
  /** Refiner only; undefined: 6 on the positive side, 2.5 on the negative (ComfyUI's defaults). */
  aestheticScore?: number;
}

/** What SDXL conditions on besides the hidden states, one entry per batch row. */
export interface PooledConditioning {
  /** OpenCLIP-bigG's pooled projection [batch, P] (the U-Net's `text_embeds`). */
  pooled: Tensor;
  sizes: SizeConditioning[];
}

/**
 * CONDITIONING: text encoder hidden states [batch, tokens (77), hidden]; SDXL's also carry `pooled` and
 * `sizes` (both or neither), kept at the top level so tools that map every tensor (zeroing) reach them.
 */
export interface Conditioning extends Tensor, Partial<PooledConditioning> {}

export type BetaSchedule = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';
export type PredictionType = 'epsilon' | 'v_prediction' | 'sample';

/** A denoiser's training noise schedule and parameterisation (diffusers' scheduler_config names). */
export interface DenoiserConfig {
  numTrainTimesteps: number;
  betaSchedule: BetaSchedule;
  betaStart: number;
  betaEnd: number;
  /** diffusers' `steps_offset` (1 for Stable Diffusion). */
  stepsOffset: number;
  predictionType: PredictionType;
  /** diffusers' `set_alpha_to_one` (false for Stable Diffusion). */
  setAlphaToOne: boolean;
}

/** MODEL: what a denoiser offers a sampler. */
export interface Denoiser {
  kind: 'denoiser';
  name: string;
  config: DenoiserConfig;
  /** Latent channels the model expects (4 for Stable Diffusion). */
  channels: number;
  /** 'dynamic', or the one batch size the model accepts. */
  batch: 'dynamic' | number;
  /** True when the model takes text conditioning (encoder_hidden_states). */
  conditional: boolean;
  /** The one conditioning length the model takes (exports fixed at 77 tokens); absent when any. */
  contextTokens?: number;
  /**
   * The raw model output (ε, v or x₀ per `config.predictionType`) for a batch x at one
   * timestep (fractional allowed). `context` has the same batch size as x when given.
   */
  predict(x: Tensor, timestep: number, context?: Conditioning, signal?: AbortSignal): Promise<Float32Array>;
}

export interface TokenizedText {
  /** Exactly `maxLength` ids: BOS, tokens, EOS, padding. */
  ids: Int32Array;
  /** True when the text had more tokens than fit and was cut. */
  truncated: boolean;
}

/** One tokenizer's view of a prompt row: what chunkRows needs (nodes/text/chunks.ts). */
export interface RowTokenizer {
  maxLength: number;
  /** The ids of the empty prompt: [start, end, padding…]. */
  empty: Int32Array;
  /** BPE ids of `text` alone; the tokenizer may stop once it has more than `limit`. */
  tokenIds(text: string, limit?: number): number[];
  /** The encoder's hidden size (an embedding's vectors for it must be this wide), where known. */
  width?: number;
}

/** SDXL's pair of text encoders (base: CLIP-L and OpenCLIP-bigG; refiner: bigG alone). */
export interface SdxlTextEncoders {
  /** CLIP-L's tokenizer (pads with the end token); absent in the refiner. */
  l?: RowTokenizer;
  /** bigG's tokenizer (pads with 0, as open_clip does). */
  g: RowTokenizer;
  /**
   * Each encoder's hidden states [1, maxLength, width] for its own id row (L's left out in the refiner)
   * and bigG's pooled projection [1, P]. `clipSkip` K gives the output K − 1 layers before the last
   * without the final norm, as ComfyUI's CLIPSetLastLayer -K on SDXL: 2 is SDXL's own conditioning (the
   * penultimate layer), 1 the last layer. (The text nodes ask for 2 when their clip_skip widget is 1.)
   * `vectors` [n, width] per encoder: what a negative id -k in that encoder's row selects (row k-1,
   * textual-inversion embeddings); an encoder that cannot take vectors throws an error that says so.
   */
  encodeRows(
    rows: { l?: Int32Array; g: Int32Array },
    clipSkip: number,
    signal?: AbortSignal,
    vectors?: { l?: Float32Array; g?: Float32Array },
  ): Promise<{ l?: Tensor; g: Tensor; pooled: Tensor }>;
}

/** CLIP: a tokenizer plus text encoder. */
export interface TextEncoderModel {
  kind: 'clip';
  name: string;
  maxLength: number;
  hiddenSize: number;
  tokenize(text: string): TokenizedText;
  encode(texts: string[], signal?: AbortSignal): Promise<Conditioning>;
  /**
   * The BPE ids of `text` alone (no start/end token, no padding), for per-word prompt weights; the
   * tokenizer may stop once it has more than `limit` ids.
   */
  tokenIds?(text: string, limit?: number): number[];
  /**
   * Hidden states [rows, maxLength, hiddenSize] of whole id rows (start, tokens, end, padding) at
   * clip skip `clipSkip` (1: last layer + final norm; K: the output K-1 layers before the last +
   * final norm). Encoders that cannot (a bare ONNX file without clip_skip outputs) leave it out.
   */
  encodeIds?(rows: readonly Int32Array[], clipSkip: number, signal?: AbortSignal): Promise<Conditioning>;
  /** Present for SDXL: TextEncode then builds the full conditioning (nodes/text-sdxl.ts). */
  sdxl?: SdxlTextEncoders;
  /**
   * encodeIds where a negative id -k stands for row k-1 of `vectors` [n, hiddenSize] (textual-inversion
   * embeddings); an encoder that cannot take vectors throws an error that says so.
   */
  encodeIdsWithVectors?(
    rows: readonly Int32Array[],
    vectors: Float32Array,
    clipSkip: number,
    signal?: AbortSignal,
  ): Promise<Conditioning>;
}

/** VAE: latent <-> pixels. Nodes apply `scalingFactor`; these methods take and give unscaled latents. */
export interface VaeModel {
  kind: 'vae';
  name: string;
  scalingFactor: number;
  latentChannels: number;
  /** Pixels per latent cell along each axis (8 for Stable Diffusion). */
  downscale: number;
  decode?(latents: Latent, signal?: AbortSignal): Promise<ImageBatch>;
  encode?(images: ImageBatch, signal?: AbortSignal): Promise<Latent>;
}

/**
 * SCHEDULE: what NoiseSchedule hands a Sampler. The math family owns its construction
 * (nodes/math/); samplers follow the diffusers class that matches `scheduler`.
 */
export interface Schedule {
  scheduler: string;
  /** Model timesteps, one per step (may be fractional). */
  timesteps: Float64Array;
  /** Noise level σ at each step boundary: length steps + 1, the last is the final level. */
  sigmas: Float64Array;
  /** The model's training ᾱ (alphas_cumprod), float64, length numTrainTimesteps. */
  alphasCumprod: Float64Array;
  denoise: number;
  /** diffusers' init_noise_sigma for this schedule (scales seeded unit noise for txt2img). */
  initNoiseSigma: number;
  /** Steps requested before `denoise` keeps the tail (the Sampler re-plans per sampler class from these). */
  steps: number;
  /** σ bounds the user set for karras/exponential/geometric; undefined = the model's own. */
  sigmaMin?: number;
  sigmaMax?: number;
  /** The training config the schedule was built for. */
  config: DenoiserConfig;
  /** Run only steps start..end of the planned steps (ComfyUI's KSamplerAdvanced); unset = all. */
  startStep?: number;
  endStep?: number;
}
