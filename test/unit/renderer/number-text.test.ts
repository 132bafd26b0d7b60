import { describe, expect, it } from 'vitest';
import { parseNumberText } from '../../../renderer/src/doc/number-text.ts';

const size = { min: 8, max: 8192, integer: true, gridStep: 8 };
const cfg = { min: 0, max: 30, integer: false };

describe('typed numbers', () => {
  it('takes numbers as typed, without clamping', () => {
    expect(parseNumberText(' 128 ', size)).toEqual({ ok: true, value: 128 });
    expect(parseNumberText('7.5', cfg)).toEqual({ ok: true, value: 7.5 });
    expect(parseNumberText('1e1', cfg)).toEqual({ ok: true, value: 10 });
  });

  it('names what is wrong with text that is not a number', () => {
    expect(parseNumberText('abc', cfg)).toEqual({ ok: false, error: '"abc" is not a number' });
    expect(parseNumberText('7,5', cfg)).toEqual({
      ok: false,
      error: '"7,5" is not a number: use a dot for decimals (7.5)',
    });
    expect(parseNumberText('  ', cfg)).toEqual({ ok: false, error: 'Type a number' });
  });

  it('refuses values out of range, fractions for whole numbers and sizes off the grid', () => {
    expect(parseNumberText('31', cfg)).toEqual({ ok: false, error: '31 is above the maximum 30' });
    expect(parseNumberText('-1', cfg)).toEqual({ ok: false, error: '-1 is below the minimum 0' });
    expect(parseNumberText('12.5', size)).toEqual({ ok: false, error: 'expected a whole number, got 12.5' });
    expect(parseNumberText('100', size)).toEqual({ ok: false, error: 'expected a multiple of 8, got 100' });
  });
});
