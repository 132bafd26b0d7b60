// CLIP for SDXL from two ONNX text encoders in optimum's layout: `text_encoder` (CLIP-L, outputs
// hidden_states.N) and `text_encoder_2` (OpenCLIP-bigG, hidden_states.N and text_embeds), each with its
// own tokenizer. The refiner has bigG alone. The conditioning is the encoders' penultimate states side by
// side plus bigG's pooled projection (built in nodes/text-sdxl.ts).
import type ort from 'onnxruntime-node';
import { concatConditioning } from '../../nodes/math/conditioning.ts';
import { DEFAULT_SIZE_CONDITIONING, sdxlConditioning } from '../../nodes/text-sdxl.ts';
import type {
  Conditioning,
  RowTokenizer,
  SdxlTextEncoders,
  Tensor,
  TextEncoderModel,
  TokenizedText,
} from '../../nodes/types.ts';
import type { ClipTokenizer } from './clip-tokenizer.ts';
import type { SessionHandle } from './session-pool.ts';
import { fixedDim, type TextEncoderSignature, textEncoderSignature } from './slot-signatures.ts';
import { filledTensor, floatTensor, idsTensor, readFloats } from './tensor-io.ts';

/** One encoder: its session, signature, tokenizer and how many layers its hidden_states.N cover. */
class SdxlEncoder {
  constructor(
    readonly handle: SessionHandle,
    readonly signature: TextEncoderSignature,
    readonly tokenizer: ClipTokenizer,
    readonly layers: number,
    readonly pooled: boolean,
    /** Hidden size; 0 until learnt from a first run (a symbolic output width). */
    public width = 0,
  ) {}

  static async open(handle: SessionHandle, tokenizer: ClipTokenizer, pooled: boolean): Promise<SdxlEncoder> {
    const loaded = await handle.get();
    const signature = textEncoderSignature(loaded.io, loaded.path);
    const names = new Set(loaded.io.outputs.map((o) => o.name));
    let layers = 0;
    while (names.has(`hidden_states.${layers + 1}`)) layers++;
    if (layers < 2 || !names.has('hidden_states.0')) {
      throw new Error(
        `${loaded.path}: an SDXL text encoder must output hidden_states.0 … hidden_states.N (N ≥ 2), as optimum exports them`,
      );
    }
    if (pooled && !names.has('text_embeds'))
      throw new Error(
        `${loaded.path}: SDXL's second text encoder must output text_embeds (the pooled projection)`,
      );
    if (signature.tokens !== tokenizer.maxLength) {
      throw new Error(
        `${loaded.path} takes ${signature.tokens} tokens but its tokenizer makes ${tokenizer.maxLength}`,
      );
    }
    // The vectors input is [n, width]: its width is known before any run.
    const vectors = loaded.io.inputs.find((i) => i.name === signature.extraTokens);
    const width = fixedDim(vectors?.shape[1]) ?? signature.hidden ?? 0;
    return new SdxlEncoder(handle, signature, tokenizer, layers, pooled, width);
  }

  rowTokenizer(): RowTokenizer {
    const t = this.tokenizer;
    return {
      maxLength: t.maxLength,
      empty: t.tokenize('').ids,
      tokenIds: (text, limit) => t.encodeTokens(text, limit),
    };
  }

  /** The extra_token_embeddings feed: the prompt's embedding vectors, or one zero row no id selects. */
  private vectorFeed(vectors: Float32Array | undefined, width: number): ort.Tensor | undefined {
    const input = this.signature.extraTokens;
    if (!input) {
      if (vectors) {
        throw new Error(
          `${this.handle.request.path}: this text encoder takes token ids only, so textual-inversion embeddings cannot be placed in the prompt (load the checkpoint with Load Checkpoint, or convert it with diffgraph convert, whose text encoders take embedding vectors)`,
        );
      }
      return undefined;
    }
    if (width === 0) throw new Error(`${this.handle.request.path}: ${input} has no fixed width`);
    const data = vectors ?? new Float32Array(width);
    if (data.length === 0 || data.length % width !== 0)
      throw new Error(`embedding vectors hold ${data.length} values, expected rows of ${width}`);
    return floatTensor(data, [data.length / width, width], 'float32');
  }

  /**
   * The state for clip skip K, as ComfyUI's CLIPSetLastLayer -K sets SDXL's encoders: the output K − 1
   * layers before the last, never the final norm (1: the last layer, 2: SDXL's own penultimate).
   */
  stateName(clipSkip: number): string {
    if (!Number.isInteger(clipSkip) || clipSkip < 1 || clipSkip > this.layers) {
      throw new Error(
        `clip skip must be an integer 1..${this.layers} for this SDXL text encoder, got ${clipSkip}`,
      );
    }
    return `hidden_states.${this.layers + 1 - clipSkip}`;
  }

  /** `vectors` [n, width]: what the negative ids -k in `row` select (textual inversion). */
  async run(
    row: Int32Array,
    clipSkip: number,
    signal?: AbortSignal,
    vectors?: Float32Array,
  ): Promise<{ state: Tensor; pooled?: Tensor }> {
    const T = this.tokenizer.maxLength;
    if (row.length !== T) throw new Error(`an id row has ${row.length} ids, expected ${T}`);
    const name = this.stateName(clipSkip);
    const shape = [1, T];
    const feeds: Record<string, ort.Tensor> = { input_ids: idsTensor(row, shape, this.signature.idsType) };
    if (this.signature.maskType) feeds.attention_mask = filledTensor(1, shape, this.signature.maskType);
    const extra = this.vectorFeed(vectors, this.width);
    if (extra && this.signature.extraTokens) feeds[this.signature.extraTokens] = extra;
    const outputs = await this.handle.run(feeds, signal);
    const data = readFloats(outputs[name]);
    const state = { data, shape: [1, T, data.length / T] };
    if (!this.pooled) return { state };
    const pooled = readFloats(outputs.text_embeds);
    return { state, pooled: { data: pooled, shape: [1, pooled.length] } };
  }
}

export class SdxlTextEncoder implements TextEncoderModel {
  readonly kind = 'clip' as const;
  readonly maxLength: number;
  readonly sdxl: SdxlTextEncoders;

  private constructor(
    readonly name: string,
    private readonly l: SdxlEncoder | undefined,
    private readonly g: SdxlEncoder,
    readonly hiddenSize: number,
  ) {
    this.maxLength = g.tokenizer.maxLength;
    this.sdxl = {
      l: l && { ...l.rowTokenizer(), width: l.width },
      g: { ...g.rowTokenizer(), width: g.width },
      encodeRows: (rows, clipSkip, signal, vectors) => this.encodeRows(rows, clipSkip, signal, vectors),
    };
  }

  /** `l` is absent for the refiner. The hidden size is learnt from one run of the empty prompt. */
  static async load(
    name: string,
    g: { handle: SessionHandle; tokenizer: ClipTokenizer },
    l?: { handle: SessionHandle; tokenizer: ClipTokenizer },
  ): Promise<SdxlTextEncoder> {
    const encoderL = l ? await SdxlEncoder.open(l.handle, l.tokenizer, false) : undefined;
    const encoderG = await SdxlEncoder.open(g.handle, g.tokenizer, true);
    if (encoderL && encoderL.tokenizer.maxLength !== encoderG.tokenizer.maxLength) {
      throw new Error(`${name}: the two SDXL tokenizers make rows of different lengths`);
    }
    const probe = new SdxlTextEncoder(name, encoderL, encoderG, 0);
    const empty = await probe.encodeRows(
      { l: encoderL?.tokenizer.tokenize('').ids, g: encoderG.tokenizer.tokenize('').ids },
      2,
    );
    if (encoderL && empty.l) encoderL.width = empty.l.shape[2];
    encoderG.width = empty.g.shape[2];
    return new SdxlTextEncoder(name, encoderL, encoderG, encoderG.width + (encoderL?.width ?? 0));
  }

  tokenize(text: string): TokenizedText {
    return (this.l ?? this.g).tokenizer.tokenize(text);
  }

  /** Plain prompts, each through both encoders, at SDXL's own layer and the latent's size. */
  async encode(texts: string[], signal?: AbortSignal): Promise<Conditioning> {
    const rows: Conditioning[] = [];
    for (const text of texts) {
      const out = await this.encodeRows(
        { l: this.l?.tokenizer.tokenize(text).ids, g: this.g.tokenizer.tokenize(text).ids },
        2,
        signal,
      );
      rows.push(sdxlConditioning(out, DEFAULT_SIZE_CONDITIONING));
    }
    return rows.reduce((all, row) => concatConditioning(all, row));
  }

  private async encodeRows(
    rows: { l?: Int32Array; g: Int32Array },
    clipSkip: number,
    signal?: AbortSignal,
    vectors?: { l?: Float32Array; g?: Float32Array },
  ): Promise<{ l?: Tensor; g: Tensor; pooled: Tensor }> {
    let l: Tensor | undefined;
    if (this.l) {
      if (!rows.l) throw new Error(`${this.name}: SDXL's CLIP-L needs an id row`);
      l = (await this.l.run(rows.l, clipSkip, signal, vectors?.l)).state;
    }
    const g = await this.g.run(rows.g, clipSkip, signal, vectors?.g);
    return { l, g: g.state, pooled: g.pooled as Tensor };
  }
}
