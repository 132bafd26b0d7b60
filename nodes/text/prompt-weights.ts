// The prompt-weight syntax A1111 and ComfyUI users write, as A1111's `parse_prompt_attention`
// (modules/prompt_parser.py) defines it: `(x)` multiplies x's weight by 1.1, `[x]` divides it by
// 1.1, `(x:1.3)` multiplies by 1.3, brackets nest, `\(` `\)` `\[` `\]` `\\` are literal, brackets
// left open apply to the end of the prompt, a stray closing bracket is text, and `BREAK` ends a
// 75-token chunk. On top, ComfyUI's `embedding:name` refers to a textual-inversion file.
// Pure: no file access (the caller resolves embedding names).

export type PromptSegment =
  | { kind: 'text'; text: string; weight: number }
  | { kind: 'embedding'; name: string; weight: number }
  | { kind: 'break' };

const ROUND = 1.1;
const SQUARE = 1 / 1.1;

// Same alternatives, in the same order, as A1111's `re_attention`.
const ATTENTION = /\\\(|\\\)|\\\[|\\\]|\\\\|\\|\(|\[|:\s*([+-]?[.\d]+)\s*\)|\)|\]|[^\\()[\]:]+|:/g;
const BREAK = /\s*\bBREAK\b\s*/;

type Piece = [string, number];

function multiplyFrom(pieces: Piece[], start: number, factor: number): void {
  for (let i = start; i < pieces.length; i++) pieces[i][1] *= factor;
}

/** Text pieces with weights, merged where neighbours share a weight (A1111's algorithm). */
export function parseAttention(prompt: string): Piece[] {
  const pieces: Piece[] = [];
  const round: number[] = [];
  const square: number[] = [];
  for (const match of prompt.matchAll(ATTENTION)) {
    const [token, weight] = match;
    if (token.startsWith('\\')) pieces.push([token.slice(1), 1]);
    else if (token === '(') round.push(pieces.length);
    else if (token === '[') square.push(pieces.length);
    else if (weight !== undefined && round.length > 0)
      multiplyFrom(pieces, round.pop() as number, Number.parseFloat(weight));
    else if (token === ')' && round.length > 0) multiplyFrom(pieces, round.pop() as number, ROUND);
    else if (token === ']' && square.length > 0) multiplyFrom(pieces, square.pop() as number, SQUARE);
    else pushText(pieces, token);
  }
  for (const start of round) multiplyFrom(pieces, start, ROUND);
  for (const start of square) multiplyFrom(pieces, start, SQUARE);
  if (pieces.length === 0) pieces.push(['', 1]);
  return mergeEqual(pieces);
}

/** Plain text, split at each BREAK into [part, 1], ['BREAK', -1], [part, 1] ... as A1111 does. */
function pushText(pieces: Piece[], text: string): void {
  text.split(BREAK).forEach((part, i) => {
    if (i > 0) pieces.push(['BREAK', -1]);
    pieces.push([part, 1]);
  });
}

function mergeEqual(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const piece of pieces) {
    const last = out.at(-1);
    if (last && last[1] === piece[1]) last[0] += piece[0];
    else out.push([piece[0], piece[1]]);
  }
  return out;
}

const EMBEDDING = /embedding:([^\s,]+)/g;

/** Weighted segments with `embedding:name` references split out and BREAKs marked. */
export function parsePromptWeights(prompt: string): PromptSegment[] {
  const segments: PromptSegment[] = [];
  for (const [text, weight] of parseAttention(prompt)) {
    if (weight < 0 && /^(BREAK)+$/.test(text)) {
      for (let i = 0; i < text.length / 'BREAK'.length; i++) segments.push({ kind: 'break' });
      continue;
    }
    let at = 0;
    for (const match of text.matchAll(EMBEDDING)) {
      const index = match.index ?? 0;
      if (index > at) segments.push({ kind: 'text', text: text.slice(at, index), weight });
      segments.push({ kind: 'embedding', name: match[1], weight });
      at = index + match[0].length;
    }
    if (at < text.length) segments.push({ kind: 'text', text: text.slice(at), weight });
  }
  return segments.length > 0 ? segments : [{ kind: 'text', text: '', weight: 1 }];
}
