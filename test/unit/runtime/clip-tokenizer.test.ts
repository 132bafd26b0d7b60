import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClipTokenizer, loadClipTokenizer } from '../../../main/runtime/clip-tokenizer.ts';

const FIXTURE = join(import.meta.dirname, '../../fixtures/clip-tokenizer');
const vocab = JSON.parse(readFileSync(join(FIXTURE, 'vocab.json'), 'utf8')) as Record<string, number>;
const merges = readFileSync(join(FIXTURE, 'merges.txt'), 'utf8').split('\n').slice(1);
const tokenizer = loadClipTokenizer(FIXTURE);

/** Expected ids by looking the token strings up in the real vocabulary. */
function ids(tokens: string[]): number[] {
  return tokens.map((token) => {
    const id = vocab[token];
    if (id === undefined) throw new Error(`test expectation "${token}" is not in vocab.json`);
    return id;
  });
}

describe('CLIP tokenizer on the SD 1.x vocabulary', () => {
  it('encodes whole words found in the vocabulary, each ending in </w>', () => {
    expect(tokenizer.encodeTokens('a photo of a cat')).toEqual(
      ids(['a</w>', 'photo</w>', 'of</w>', 'a</w>', 'cat</w>']),
    );
  });

  it('wraps in BOS/EOS and pads to 77 with <|endoftext|>', () => {
    const { ids: out, truncated } = tokenizer.tokenize('a photo of a cat');
    expect(truncated).toBe(false);
    expect(out.length).toBe(77);
    expect(out[0]).toBe(49406);
    expect(Array.from(out.slice(1, 6))).toEqual(ids(['a</w>', 'photo</w>', 'of</w>', 'a</w>', 'cat</w>']));
    expect(out[6]).toBe(49407);
    expect(Array.from(out.slice(7)).every((id) => id === vocab['<|endoftext|>'])).toBe(true);
  });

  it('lower-cases and collapses whitespace', () => {
    expect(tokenizer.encodeTokens('  A\tPHOTO \n\n of   a  CAT ')).toEqual(
      tokenizer.encodeTokens('a photo of a cat'),
    );
  });

  it('splits a long word with several merges into vocabulary pieces', () => {
    const pieces = ['super', 'cali', 'frag', 'ili', 'stic', 'expi', 'ali', 'do', 'cious</w>'];
    expect(pieces.join('').replace('</w>', '')).toBe('supercalifragilisticexpialidocious');
    expect(tokenizer.encodeTokens('Supercalifragilisticexpialidocious')).toEqual(ids(pieces));
    // "unbelievable" is built by the merges "un believ" and then "unbeliev able</w>".
    expect(merges).toContain('un believ');
    expect(merges).toContain('unbeliev able</w>');
    expect(tokenizer.encodeTokens('unbelievable')).toEqual(ids(['unbelievable</w>']));
  });

  it('keeps punctuation runs together and splits numbers digit by digit', () => {
    expect(tokenizer.encodeTokens('(masterpiece:1.2), ok?!')).toEqual(
      ids(['(</w>', 'masterpiece</w>', ':</w>', '1</w>', '.</w>', '2</w>', '),</w>', 'ok</w>', '?!</w>']),
    );
    expect(tokenizer.encodeTokens('2048')).toEqual(ids(['2</w>', '0</w>', '4</w>', '8</w>']));
  });

  it("separates contractions ('s 't 're ...)", () => {
    expect(tokenizer.encodeTokens("it's don't we're")).toEqual(
      ids(['it</w>', "'s</w>", 'don</w>', "'t</w>", 'we</w>', "'re</w>"]),
    );
  });

  it('maps non-ASCII text through UTF-8 bytes (byte-to-unicode)', () => {
    // "é" is UTF-8 C3 A9, shown by byte_to_unicode as "Ã" (U+00C3) and "©" (U+00A9).
    expect(tokenizer.encodeTokens('café')).toEqual(ids(['caf\u00c3\u00a9</w>']));
    // "✨" is E2 9C A8. 0xE2 and 0xA8 are printable Latin-1 ("â", "¨"); 0x9C is not, so it maps to
    // U+0100 + its index among non-printable bytes (33 for 0x00-0x20, then 0x7F.. -> 33 + 29 = 62).
    expect(tokenizer.encodeTokens('✨')).toEqual(ids(['\u00e2\u013e\u00a8</w>']));
  });

  it('keeps literal special tokens as their ids', () => {
    expect(tokenizer.encodeTokens('<|startoftext|>hello<|endoftext|>')).toEqual([
      49406,
      vocab['hello</w>'],
      49407,
    ]);
  });

  it('truncates long text to BOS + 75 tokens + EOS and reports it', () => {
    const text = Array.from({ length: 100 }, () => 'cat').join(' ');
    const { ids: out, truncated } = tokenizer.tokenize(text);
    expect(truncated).toBe(true);
    expect(out.length).toBe(77);
    expect(out[0]).toBe(49406);
    expect(Array.from(out.slice(1, 76)).every((id) => id === vocab['cat</w>'])).toBe(true);
    expect(out[76]).toBe(49407);
    // Exactly 75 tokens fit without truncation.
    const fits = tokenizer.tokenize(Array.from({ length: 75 }, () => 'cat').join(' '));
    expect(fits.truncated).toBe(false);
    expect(fits.ids[76]).toBe(49407);
  });
});

describe('loading tokenizer folders', () => {
  it('reads the pad token from special_tokens_map.json (SD 2.x pads with "!")', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clip-tok-'));
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify(vocab));
    writeFileSync(join(dir, 'merges.txt'), readFileSync(join(FIXTURE, 'merges.txt')));
    writeFileSync(join(dir, 'special_tokens_map.json'), JSON.stringify({ pad_token: { content: '!' } }));
    const sd2 = loadClipTokenizer(dir);
    expect(sd2.padId).toBe(vocab['!']);
    expect(sd2.tokenize('cat').ids[3]).toBe(0);
  });

  it('reads vocab and merges from tokenizer.json when vocab.json/merges.txt are absent', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clip-tok-'));
    const mergeList = merges.filter((m) => m.trim() !== '');
    writeFileSync(
      join(dir, 'tokenizer.json'),
      JSON.stringify({ model: { type: 'BPE', vocab, merges: mergeList } }),
    );
    expect(Array.from(loadClipTokenizer(dir).tokenize('a photo of a cat').ids)).toEqual(
      Array.from(tokenizer.tokenize('a photo of a cat').ids),
    );
  });

  it('reads merges.txt with Windows line endings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clip-tok-'));
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify(vocab));
    writeFileSync(
      join(dir, 'merges.txt'),
      readFileSync(join(FIXTURE, 'merges.txt'), 'utf8').replace(/\n/g, '\r\n'),
    );
    expect(loadClipTokenizer(dir).encodeTokens('supercalifragilisticexpialidocious')).toEqual(
      tokenizer.encodeTokens('supercalifragilisticexpialidocious'),
    );
  });

  it('names the missing files of an incomplete folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clip-tok-'));
    writeFileSync(join(dir, 'vocab.json'), '{}');
    expect(() => loadClipTokenizer(dir)).toThrow(
      /missing .*merges\.txt.*expected vocab\.json \+ merges\.txt, or tokenizer\.json/,
    );
  });
});

describe('CLIP tokenizer BPE rules on a hand-made vocabulary', () => {
  // Merges are applied lowest rank first, wherever the pair occurs.
  const toy = new ClipTokenizer({
    vocab: {
      l: 0,
      o: 1,
      w: 2,
      e: 3,
      r: 4,
      'w</w>': 5,
      'r</w>': 6,
      'o</w>': 7,
      lo: 8,
      'low</w>': 9,
      'er</w>': 10,
      low: 11,
      'lower</w>': 12,
      '<|startoftext|>': 13,
      '<|endoftext|>': 14,
      '!': 15,
      'l</w>': 16,
    },
    merges: ['l o', 'lo w</w>', 'e r</w>', 'lo w', 'low er</w>'],
    padToken: '!',
    maxLength: 6,
  });

  it('applies merges in rank order with </w> on the last symbol', () => {
    expect(toy.encodeTokens('low')).toEqual([9]); // l o -> lo; lo w</w> -> low</w>
    expect(toy.encodeTokens('lower')).toEqual([12]); // lo, er</w>, low, lower</w>
    expect(toy.encodeTokens('lol')).toEqual([8, 16]); // lo + l</w>
    expect(toy.encodeTokens('rower')).toEqual([4, 1, 2, 10]); // only e r</w> applies
  });

  it('pads with the configured pad token and truncates to maxLength', () => {
    expect(Array.from(toy.tokenize('low').ids)).toEqual([13, 9, 14, 15, 15, 15]);
    const cut = toy.tokenize('low low low low low');
    expect(Array.from(cut.ids)).toEqual([13, 9, 9, 9, 9, 14]);
    expect(cut.truncated).toBe(true);
  });

  it('names a BPE piece missing from the vocabulary', () => {
    expect(() => toy.encodeTokens('zz')).toThrow(/no entry for BPE token "z"/);
  });
});
