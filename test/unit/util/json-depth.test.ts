import { describe, expect, it } from 'vitest';
import { jsonNestsDeeperThan } from '../../../main/util/json-depth.ts';

describe('jsonNestsDeeperThan', () => {
  it('counts brackets and braces outside strings only', () => {
    expect(jsonNestsDeeperThan('{"a":[[1]]}', 3)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":[[[1]]]}', 3)).toBe(true);
    expect(jsonNestsDeeperThan('{"a":"[[[[[[\\"[[[["}', 1)).toBe(false);
    expect(jsonNestsDeeperThan('[{}, {}, [], []]', 2)).toBe(false);
  });
});
