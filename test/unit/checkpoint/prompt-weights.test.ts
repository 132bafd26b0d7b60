// Expected values: the input → output pairs in the docstring of A1111's parse_prompt_attention
// (modules/prompt_parser.py), exactly as printed there, plus the rules that docstring states.
import { describe, expect, it } from 'vitest';
import { parseAttention, parsePromptWeights } from '../../../nodes/text/prompt-weights.ts';

describe('parseAttention: A1111 docstring examples', () => {
  const examples: [string, [string, number][]][] = [
    ['normal text', [['normal text', 1.0]]],
    [
      'an (important) word',
      [
        ['an ', 1.0],
        ['important', 1.1],
        [' word', 1.0],
      ],
    ],
    ['(unbalanced', [['unbalanced', 1.1]]],
    ['\\(literal\\]', [['(literal]', 1.0]]],
    ['(unnecessary)(parens)', [['unnecessaryparens', 1.1]]],
    [
      'a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).',
      [
        ['a ', 1.0],
        ['house', 1.5730000000000004],
        [' ', 1.1],
        ['on', 1.0],
        [' a ', 1.1],
        ['hill', 0.55],
        [', sun, ', 1.1],
        ['sky', 1.4641000000000006],
        ['.', 1.1],
      ],
    ],
  ];
  for (const [input, expected] of examples) {
    it(JSON.stringify(input), () => {
      expect(parseAttention(input)).toEqual(expected);
    });
  }
});

describe('parseAttention: the rules the docstring states', () => {
  it('(x) ×1.1, ((x)) ×1.21, [x] ÷1.1, (x:1.2) ×1.2', () => {
    expect(parseAttention('(a)')).toEqual([['a', 1.1]]);
    expect(parseAttention('((a))')).toEqual([['a', 1.1 * 1.1]]);
    expect(parseAttention('[a]')).toEqual([['a', 1 / 1.1]]);
    expect(parseAttention('(a:1.2)')).toEqual([['a', 1.2]]);
    expect(parseAttention('(a: 0.5 )')).toEqual([['a', 0.5]]);
  });
  it('escapes: \\( \\) \\[ \\] \\\\ are literal', () => {
    expect(parseAttention('\\(a\\) \\[b\\] c\\\\d')).toEqual([['(a) [b] c\\d', 1]]);
  });
  it('a stray closing bracket and a colon without a number are text', () => {
    expect(parseAttention('a) b] c:d')).toEqual([['a) b] c:d', 1]]);
  });
  it('an unclosed [ divides to the end; empty prompt gives one empty piece', () => {
    expect(parseAttention('x [y')).toEqual([
      ['x ', 1],
      ['y', 1 / 1.1],
    ]);
    expect(parseAttention('')).toEqual([['', 1]]);
  });
});

describe('parsePromptWeights', () => {
  it('splits out embedding:name references with their weight', () => {
    expect(parsePromptWeights('a photo, embedding:my-style, (embedding:sub/bad hands:1.2)')).toEqual([
      { kind: 'text', text: 'a photo, ', weight: 1 },
      { kind: 'embedding', name: 'my-style', weight: 1 },
      { kind: 'text', text: ', ', weight: 1 },
      { kind: 'embedding', name: 'sub/bad', weight: 1.2 },
      { kind: 'text', text: ' hands', weight: 1.2 },
    ]);
  });
  it('marks BREAK', () => {
    expect(parsePromptWeights('a cat BREAK (a dog)')).toEqual([
      { kind: 'text', text: 'a cat', weight: 1 },
      { kind: 'break' },
      { kind: 'text', text: 'a dog', weight: 1.1 },
    ]);
  });
});
