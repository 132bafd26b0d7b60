import { describe, expect, it } from 'vitest';
import { parseLoraArg } from '../../../main/cli/commands/convert.ts';

describe('--lora FILE[:STRENGTH]', () => {
  it('reads an optional strength after the last colon and accumulates', () => {
    const list = parseLoraArg('b.safetensors:0.5', parseLoraArg('a.safetensors'));
    expect(list).toEqual([
      { path: 'a.safetensors', strength: 1 },
      { path: 'b.safetensors', strength: 0.5 },
    ]);
  });

  it('keeps Windows drive letters in the path', () => {
    expect(parseLoraArg('C:\\loras\\ink.safetensors:-0.3')).toEqual([
      { path: 'C:\\loras\\ink.safetensors', strength: -0.3 },
    ]);
    expect(parseLoraArg('C:\\loras\\ink.safetensors')).toEqual([
      { path: 'C:\\loras\\ink.safetensors', strength: 1 },
    ]);
  });

  it('refuses a strength that is not a number', () => {
    expect(() => parseLoraArg('ink.safetensors:strong')).toThrow(/expected FILE or FILE:STRENGTH.*"strong"/);
  });
});
