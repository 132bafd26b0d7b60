import { describe, expect, it } from 'vitest';
import { jsonTextTooDeepAt, valueTooDeepAt } from '../../../main/util/json-depth.ts';

describe('jsonTextTooDeepAt', () => {
  it('counts brackets and braces outside strings only, and says where the limit is passed', () => {
    expect(jsonTextTooDeepAt('{"a":[[1]]}', 3)).toBe(-1);
    expect(jsonTextTooDeepAt('{"a":[[[1]]]}', 3)).toBe(8);
    expect(jsonTextTooDeepAt('{"a":"[[[[[[\\"[[[["}', 1)).toBe(-1);
    expect(jsonTextTooDeepAt('[{}, {}, [], []]', 2)).toBe(-1);
  });

  it('finds the path of a parsed value nested too deep', () => {
    expect(valueTooDeepAt({ a: [[1]] }, 3)).toBeNull();
    expect(valueTooDeepAt({ a: [[{ b: 1 }]] }, 3)).toEqual(['a', '0', '0']);
  });
});
