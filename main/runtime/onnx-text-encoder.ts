// CLIP from an ONNX text encoder plus the CLIP tokenizer. Encodings are cached per text, so a
// graph run again with the same prompts skips the encoder.
import type ort from 'onnxruntime-node';
import type { Conditioning, TextEncoderModel, TokenizedText } from '../../nodes/types.ts';
import type { ClipTokenizer } from './clip-tokenizer.ts';
import type { SessionHandle } from './session-pool.ts';
import { type TextEncoderSignature, textEncoderSignature } from './slot-signatures.ts';
import { filledTensor, floatTensor, idsTensor, readFloats } from './tensor-io.ts';

const CACHE_ENTRIES = 64;

export class OnnxTextEncoder implements TextEncoderModel {
  readonly kind = 'clip' as const;
  readonly maxLength: number;
  /** Shared by every wrapper of this model (see SessionPool.cache), so reloading keeps it. */
  private readonly cache: Map<string, Float32Array>;

  constructor(
    readonly name: string,
    private readonly handle: SessionHandle,
    private readonly signature: TextEncoderSignature,
    private readonly tokenizer: ClipTokenizer,
    readonly hiddenSize: number,
  ) {
    this.maxLength = tokenizer.maxLength;
    const { path, device, defaultDevice } = handle.request;
    this.cache = handle.pool.cache(`text:${path}|${device}|${defaultDevice}|${tokenizer.id}`);
  }

  static async load(name: string, handle: SessionHandle, tokenizer: ClipTokenizer): Promise<OnnxTextEncoder> {
    const loaded = await handle.get();
    const signature = textEncoderSignature(loaded.io, loaded.path);
    if (signature.tokens !== tokenizer.maxLength) {
      throw new Error(
        `${loaded.path} takes ${signature.tokens} tokens but the tokenizer makes ${tokenizer.maxLength}`,
      );
    }
    const encoder = new OnnxTextEncoder(name, handle, signature, tokenizer, signature.hidden ?? 0);
    // A symbolic hidden size is learnt from one real run.
    if (signature.hidden === null) {
      const probe = await encoder.runBatch([tokenizer.tokenize('').ids]);
      return new OnnxTextEncoder(name, handle, signature, tokenizer, probe.length / tokenizer.maxLength);
    }
    return encoder;
  }

  tokenize(text: string): TokenizedText {
    return this.tokenizer.tokenize(text);
  }

  async encode(texts: string[], signal?: AbortSignal): Promise<Conditioning> {
    const rowSize = this.maxLength * this.hiddenSize;
    const data = new Float32Array(texts.length * rowSize);
    const rows = new Map<string, Float32Array>();
    for (const text of texts) {
      const hit = this.cache.get(text);
      if (hit) rows.set(text, hit);
    }
    const missing = [...new Set(texts.filter((t) => !rows.has(t)))];
    const chunk = this.signature.batch === 'dynamic' ? Math.max(1, missing.length) : this.signature.batch;
    for (let start = 0; start < missing.length; start += chunk) {
      signal?.throwIfAborted();
      const group = missing.slice(start, start + chunk);
      const ids = group.map((t) => this.tokenizer.tokenize(t).ids);
      // A fixed batch larger than the group is padded with empty prompts.
      while (ids.length < chunk) ids.push(this.tokenizer.tokenize('').ids);
      const out = await this.runBatch(ids, signal);
      for (const [i, text] of group.entries()) {
        const row = out.slice(i * rowSize, (i + 1) * rowSize);
        rows.set(text, row);
        this.remember(text, row);
      }
    }
    for (const [i, text] of texts.entries()) data.set(rows.get(text) as Float32Array, i * rowSize);
    return { data, shape: [texts.length, this.maxLength, this.hiddenSize] };
  }

  tokenIds(text: string, limit?: number): number[] {
    return this.tokenizer.encodeTokens(text, limit);
  }

  async encodeIds(
    rows: readonly Int32Array[],
    clipSkip: number,
    signal?: AbortSignal,
  ): Promise<Conditioning> {
    return this.encodeRows(rows, clipSkip, undefined, signal);
  }

  /** encodeIds where id -k stands for row k-1 of `vectors` [n, hiddenSize] (textual inversion). */
  async encodeIdsWithVectors(
    rows: readonly Int32Array[],
    vectors: Float32Array,
    clipSkip: number,
    signal?: AbortSignal,
  ): Promise<Conditioning> {
    if (!this.signature.extraTokens) {
      throw new Error(
        `${this.name}: this text encoder takes token ids only, so textual-inversion embeddings cannot be placed in the prompt (load the checkpoint with Load Checkpoint, or convert it with diffgraph convert, whose text encoder takes embedding vectors)`,
      );
    }
    if (vectors.length === 0 || vectors.length % this.hiddenSize !== 0) {
      throw new Error(
        `${this.name}: embedding vectors hold ${vectors.length} values, expected rows of ${this.hiddenSize}`,
      );
    }
    return this.encodeRows(rows, clipSkip, vectors, signal);
  }

  private async encodeRows(
    rows: readonly Int32Array[],
    clipSkip: number,
    vectors: Float32Array | undefined,
    signal?: AbortSignal,
  ): Promise<Conditioning> {
    for (const row of rows) {
      if (row.length !== this.maxLength)
        throw new Error(`${this.name}: an id row has ${row.length} ids, expected ${this.maxLength}`);
    }
    const loaded = await this.handle.get();
    const name = clipSkip === 1 ? this.signature.output : `clip_skip.${clipSkip}`;
    if (!loaded.io.outputs.some((o) => o.name === name)) {
      const skips = loaded.io.outputs
        .filter((o) => o.name.startsWith('clip_skip.'))
        .map((o) => o.name.slice(10));
      throw new Error(
        `${this.name}: the text encoder has no clip skip ${clipSkip} (it offers 1${skips.map((k) => `, ${k}`).join('')})`,
      );
    }
    const outputs = await this.runIds([...rows], signal, vectors);
    const data = readFloats(outputs[name]);
    return { data, shape: [rows.length, this.maxLength, data.length / rows.length / this.maxLength] };
  }

  private remember(text: string, row: Float32Array): void {
    if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(text, row);
  }

  private async runBatch(rows: Int32Array[], signal?: AbortSignal): Promise<Float32Array> {
    const outputs = await this.runIds(rows, signal);
    return readFloats(outputs[this.signature.output]);
  }

  private async runIds(rows: Int32Array[], signal?: AbortSignal, vectors?: Float32Array) {
    const shape = [rows.length, this.maxLength];
    const ids = new Int32Array(rows.length * this.maxLength);
    for (const [i, row] of rows.entries()) ids.set(row, i * this.maxLength);
    const feeds: Record<string, ort.Tensor> = { input_ids: idsTensor(ids, shape, this.signature.idsType) };
    if (this.signature.maskType) feeds.attention_mask = filledTensor(1, shape, this.signature.maskType);
    if (this.signature.extraTokens) {
      // No embedding in the prompt: one zero row that no (non-negative) id selects.
      const width = this.hiddenSize || 1;
      const data = vectors ?? new Float32Array(width);
      feeds[this.signature.extraTokens] = floatTensor(data, [data.length / width, width], 'float32');
    }
    return this.handle.run(feeds, signal);
  }
}
