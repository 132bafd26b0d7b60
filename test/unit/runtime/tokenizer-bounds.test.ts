// Regression: the whole prompt was tokenized before truncation and BPE
// merging was quadratic in word length (a 100,000-letter word took 15 s, a 50 MB prompt 46 s).
// The merge is checked against the reference loop of OpenAI's simple_tokenizer.py, written out
// here independently, and long inputs must give the same kept tokens as their short prefixes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bpeMerge } from '../../../main/runtime/bpe-merge.ts';
import { loadClipTokenizer } from '../../../main/runtime/clip-tokenizer.ts';

const FIXTURE = join(import.meta.dirname, '../../fixtures/clip-tokenizer');
const merges = readFileSync(join(FIXTURE, 'merges.txt'), 'utf8').split('\n').slice(1).filter(Boolean);
const ranks = new Map(merges.map((merge, rank) => [merge, rank]));
const tokenizer = loadClipTokenizer(FIXTURE);

/** simple_tokenizer.py `bpe`: merge the lowest-ranked bigram everywhere, repeat. O(n²). */
function referenceBpe(word: string[]): string[] {
  let symbols = [...word];
  for (;;) {
    let best: string | null = null;
    let bestRank = Number.POSITIVE_INFINITY;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const rank = ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
      if (rank !== undefined && rank < bestRank) [best, bestRank] = [`${symbols[i]} ${symbols[i + 1]}`, rank];
    }
    if (best === null) return symbols;
    const [first, second] = best.split(' ');
    const merged: string[] = [];
    for (let i = 0; i < symbols.length; ) {
      if (i + 1 < symbols.length && symbols[i] === first && symbols[i + 1] === second) {
        merged.push(first + second);
        i += 2;
      } else merged.push(symbols[i++]);
    }
    symbols = merged;
  }
}

/** Deterministic pseudo-random letters (a 32-bit LCG), so failures reproduce. */
function letters(seed: number, length: number, alphabet = 'aaabbcdeeilmnorstt'): string {
  let state = seed >>> 0;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out += alphabet[state % alphabet.length];
  }
  return out;
}

function asWord(text: string): string[] {
  const symbols = Array.from(text);
  symbols[symbols.length - 1] += '</w>';
  return symbols;
}

describe('bounded tokenizer work', () => {
  it('the heap merge equals the reference loop on 300 seeded words', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const word = asWord(letters(seed, 1 + (seed % 120), seed % 2 ? 'aaabbcdeeilmnorstt' : 'aab'));
      expect(bpeMerge(word, ranks)).toEqual(referenceBpe(word));
    }
  });

  it('a 100,000-letter word keeps the tokens the reference gives for its start', () => {
    const word = letters(7, 100_000);
    const { ids, truncated } = tokenizer.tokenize(word);
    expect(truncated).toBe(true);
    // The kept tokens do not depend on where the word is cut, so the prefixes agree.
    const expected = referenceBpe(asWord(word.slice(0, 1500))).slice(0, 75);
    expect(referenceBpe(asWord(word.slice(0, 1000))).slice(0, 75)).toEqual(expected);
    const vocab = JSON.parse(readFileSync(join(FIXTURE, 'vocab.json'), 'utf8')) as Record<string, number>;
    expect(Array.from(ids.slice(1, 76))).toEqual(expected.map((token) => vocab[token]));
  }, 20_000);

  it('a prompt of millions of characters tokenizes like its first sentence', () => {
    const sentence = 'a photo of a cat sitting on a red sofa, highly detailed, ';
    const huge = sentence.repeat(200_000); // 11 MB
    const short = sentence.repeat(12);
    expect(tokenizer.tokenize(huge)).toEqual(tokenizer.tokenize(short));
    expect(tokenizer.tokenize(huge).truncated).toBe(true);
    const spaces = `${' '.repeat(5_000_000)}a cat`;
    expect(tokenizer.tokenize(spaces)).toEqual(tokenizer.tokenize('a cat'));
  }, 20_000);

  it('a single 10-million-letter word is bounded too', () => {
    const result = tokenizer.tokenize('x'.repeat(10_000_000));
    expect(result.truncated).toBe(true);
    expect(result.ids).toHaveLength(77);
  }, 20_000);
});
