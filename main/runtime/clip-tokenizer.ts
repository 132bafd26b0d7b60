// CLIP's byte-level BPE tokenizer, as OpenAI's simple_tokenizer.py and Hugging Face's CLIPTokenizer
// run it for Stable Diffusion. Hand-written so a tokenizer folder (vocab.json + merges.txt, or
// tokenizer.json) is all it needs: no native tokenizer library in the app.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenizedText } from '../../nodes/types.ts';

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

  /** The BPE token ids of `text`, without BOS/EOS or truncation. */
  encodeTokens(text: string): number[] {
    const ids: number[] = [];
    for (const match of cleanText(text).matchAll(PRE_TOKEN)) {
      const piece = match[0];
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
    const tokens = this.encodeTokens(text);
    const room = this.maxLength - 2;
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
    for (;;) {
      let best = -1;
      let bestRank = Number.POSITIVE_INFINITY;
      for (let i = 0; i < symbols.length - 1; i++) {
        const rank = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      mergePair(symbols, symbols[best], symbols[best + 1]);
    }
    if (this.bpeCache.size < 10_000) this.bpeCache.set(chars, symbols);
    return symbols;
  }
}

/** Merge every adjacent (left, right) occurrence, scanning left to right, in place. */
function mergePair(symbols: string[], left: string, right: string): void {
  let i = 0;
  while (i < symbols.length - 1) {
    if (symbols[i] === left && symbols[i + 1] === right) symbols.splice(i, 2, left + right);
    i++;
  }
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
