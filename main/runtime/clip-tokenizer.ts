// CLIP's byte-level BPE tokenizer, as OpenAI's simple_tokenizer.py and Hugging Face's CLIPTokenizer
// run it for Stable Diffusion. Hand-written so a tokenizer folder (vocab.json + merges.txt, or
// tokenizer.json) is all it needs: no native tokenizer library in the app.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenizedText } from '../../nodes/types.ts';
import { bpeMerge } from './bpe-merge.ts';

export const CLIP_BOS = '<|startoftext|>';
export const CLIP_EOS = '<|endoftext|>';
export const CLIP_MAX_LENGTH = 77;

// CLIP's pre-token pattern (case-insensitive, Unicode letters and numbers).
const PRE_TOKEN =
  /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/giu;

/** GPT-2's reversible byte -> printable character table. */
export function bytesToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (printable.includes(b)) table[b] = String.fromCodePoint(b);
    else table[b] = String.fromCodePoint(256 + extra++);
  }
  return table;
}

export interface ClipTokenizerFiles {
  vocab: Record<string, number>;
  /** Merges in rank order, each `left right`. */
  merges: string[];
  /** Pad token string (SD 1.x: `<|endoftext|>`; SD 2.x: `!`). */
  padToken?: string;
  maxLength?: number;
  /** Where the files came from (caches key on it). */
  source?: string;
}

export class ClipTokenizer {
  readonly maxLength: number;
  readonly id: string;
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  private readonly vocab: Map<string, number>;
  private readonly ranks: Map<string, number>;
  private readonly byteChars = bytesToUnicode();
  private readonly bpeCache = new Map<string, string[]>();
  private readonly encoder = new TextEncoder();

  constructor(files: ClipTokenizerFiles) {
    this.vocab = new Map(Object.entries(files.vocab));
    this.ranks = new Map(files.merges.map((merge, rank) => [merge, rank]));
    this.maxLength = files.maxLength ?? CLIP_MAX_LENGTH;
    this.id = `${files.source ?? 'inline'}|pad ${files.padToken ?? CLIP_EOS}|${this.maxLength}`;
    this.bosId = this.requireId(CLIP_BOS);
    this.eosId = this.requireId(CLIP_EOS);
    this.padId = this.requireId(files.padToken ?? CLIP_EOS);
  }

  private requireId(token: string): number {
    const id = this.vocab.get(token);
    if (id === undefined) throw new Error(`tokenizer vocabulary has no "${token}" token`);
    return id;
  }

  /** The BPE token ids of `text`, without BOS/EOS or truncation; stops once past `limit` ids. */
  encodeTokens(text: string, limit = Number.POSITIVE_INFINITY): number[] {
    const ids: number[] = [];
    for (const piece of preTokens(text, limit)) {
      if (ids.length > limit) break;
      if (piece === CLIP_BOS || piece === CLIP_EOS) {
        ids.push(this.requireId(piece));
        continue;
      }
      const chars = Array.from(this.encoder.encode(piece), (b) => this.byteChars[b]).join('');
      for (const token of this.bpe(chars)) {
        const id = this.vocab.get(token);
        if (id === undefined) throw new Error(`tokenizer vocabulary has no entry for BPE token "${token}"`);
        ids.push(id);
      }
    }
    return ids;
  }

  /** Exactly `maxLength` ids: BOS, up to maxLength-2 tokens, EOS, then padding. */
  tokenize(text: string): TokenizedText {
    const room = this.maxLength - 2;
    // Only the first `room` tokens are kept; one more tells whether the prompt was truncated.
    const tokens = this.encodeTokens(text, room);
    const kept = tokens.slice(0, room);
    const ids = new Int32Array(this.maxLength).fill(this.padId);
    ids[0] = this.bosId;
    ids.set(kept, 1);
    ids[kept.length + 1] = this.eosId;
    return { ids, truncated: tokens.length > room };
  }

  /** Byte-level BPE of one pre-token (already mapped through bytesToUnicode). */
  private bpe(chars: string): string[] {
    const cached = this.bpeCache.get(chars);
    if (cached) return cached;
    const symbols = Array.from(chars);
    symbols[symbols.length - 1] += '</w>';
    const merged = bpeMerge(symbols, this.ranks);
    // Ordinary words only: a cache of 100,000-letter keys would hold on to megabytes.
    if (this.bpeCache.size < 10_000 && chars.length <= MAX_CACHED_WORD) this.bpeCache.set(chars, merged);
    return merged;
  }
}

const MAX_CACHED_WORD = 64;
/** First slice of a long prompt that is cleaned and split; doubled until enough tokens are found. */
const FIRST_SLICE = 4096;

/**
 * The pre-tokens of the cleaned text, reading only as much of a long prompt as `limit` tokens
 * need: each pre-token yields at least one token, so a slice that holds more than `limit`
 * complete pre-tokens is enough. The last pre-token of a slice may be cut, so it is not trusted.
 */
function* preTokens(text: string, limit: number): Generator<string> {
  for (let size = FIRST_SLICE; ; size *= 2) {
    const whole = size >= text.length || !Number.isFinite(limit);
    const pieces = Array.from(cleanText(whole ? text : text.slice(0, size)).matchAll(PRE_TOKEN), (m) =>
      capWord(m[0]),
    );
    // A cut last word that already reached the cap is the same as the whole word capped.
    if (whole || pieces.at(-1)?.length === MAX_WORD_CHARS) return yield* pieces;
    if (pieces.length - 1 > limit) return yield* pieces.slice(0, -1);
  }
}

/**
 * Words are merged on their first MAX_WORD_CHARS characters only. CLIP's longest vocabulary
 * entry is 32 byte characters, so such a word alone yields at least 128 tokens, more than the 75
 * a prompt keeps, and the tokens kept come from well before the cut.
 */
const MAX_WORD_CHARS = 4096;

function capWord(piece: string): string {
  return piece.length > MAX_WORD_CHARS ? piece.slice(0, MAX_WORD_CHARS) : piece;
}

/** ftfy-less clean-up: Unicode NFC, whitespace runs to one space, trim, lower-case. */
export function cleanText(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim().toLowerCase();
}

/**
 * Load a tokenizer folder in Hugging Face layout: vocab.json + merges.txt, or tokenizer.json;
 * the pad token from tokenizer_config.json / special_tokens_map.json when present.
 */
export function loadClipTokenizer(dir: string): ClipTokenizer {
  const vocabPath = join(dir, 'vocab.json');
  const mergesPath = join(dir, 'merges.txt');
  const jsonPath = join(dir, 'tokenizer.json');
  let files: ClipTokenizerFiles;
  if (existsSync(vocabPath) && existsSync(mergesPath)) {
    files = {
      vocab: readJson(vocabPath) as Record<string, number>,
      merges: readMerges(mergesPath),
    };
  } else if (existsSync(jsonPath)) {
    files = fromTokenizerJson(readJson(jsonPath), jsonPath);
  } else {
    const missing = [vocabPath, mergesPath].filter((p) => !existsSync(p));
    throw new Error(
      `tokenizer folder ${dir} is missing ${missing.join(' and ')} (expected vocab.json + merges.txt, or tokenizer.json)`,
    );
  }
  const config = readTokenizerConfig(dir);
  return new ClipTokenizer({ ...files, ...config, source: dir });
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function readMerges(path: string): string[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  return lines.filter((line, index) => !(index === 0 && line.startsWith('#version')) && line.trim() !== '');
}

function fromTokenizerJson(json: unknown, path: string): ClipTokenizerFiles {
  const model = (json as { model?: { vocab?: unknown; merges?: unknown } }).model;
  if (!model || typeof model.vocab !== 'object' || !Array.isArray(model.merges)) {
    throw new Error(`${path} has no BPE model (expected model.vocab and model.merges)`);
  }
  const merges = model.merges.map((m: unknown) => (Array.isArray(m) ? m.join(' ') : String(m)));
  return { vocab: model.vocab as Record<string, number>, merges };
}

function tokenString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}

function readTokenizerConfig(dir: string): Pick<ClipTokenizerFiles, 'padToken' | 'maxLength'> {
  const result: Pick<ClipTokenizerFiles, 'padToken' | 'maxLength'> = {};
  for (const name of ['special_tokens_map.json', 'tokenizer_config.json']) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    const config = readJson(path) as Record<string, unknown>;
    const pad = tokenString(config.pad_token);
    if (pad) result.padToken = pad;
    const max = config.model_max_length;
    // Some exports write a huge sentinel here; CLIP's position table is 77 long.
    if (typeof max === 'number' && max >= 3 && max <= CLIP_MAX_LENGTH) result.maxLength = max;
  }
  return result;
}
