import { describe, expect, it } from 'vitest';
import {
  checkWidgetValue,
  parseWidgetValue,
  widgetValuesWithDefaults,
} from '../../../main/graph/widget-values.ts';
import type { WidgetSpec } from '../../../nodes/api.ts';
import { primitiveNodes } from '../../../nodes/primitives.ts';

const steps: WidgetSpec = { name: 'steps', kind: 'int', default: 20, min: 1, max: 150 };
const cfg: WidgetSpec = { name: 'cfg', kind: 'float', default: 7, min: 0, max: 30 };
const sampler: WidgetSpec = { name: 'sampler', kind: 'enum', default: 'euler', options: ['euler', 'ddim'] };
const seed: WidgetSpec = { name: 'seed', kind: 'seed', default: 0 };
const flag: WidgetSpec = { name: 'tiled', kind: 'boolean', default: false };
const text: WidgetSpec = { name: 'text', kind: 'string', default: '', multiline: true };

describe('checkWidgetValue', () => {
  it('refuses a size that is not a multiple of what the widget demands', () => {
    const width: WidgetSpec = { name: 'width', kind: 'int', default: 512, min: 8, step: 8 };
    expect(checkWidgetValue(width, 516)).toBe('expected a multiple of 8, got 516');
    expect(checkWidgetValue(width, 520)).toBeNull();
  });

  it('accepts values of the right kind and range', () => {
    expect([
      checkWidgetValue(steps, 30),
      checkWidgetValue(cfg, 7.5),
      checkWidgetValue(sampler, 'ddim'),
    ]).toEqual([null, null, null]);
    expect([
      checkWidgetValue(seed, 2 ** 40),
      checkWidgetValue(flag, true),
      checkWidgetValue(text, ''),
    ]).toEqual([null, null, null]);
  });

  it('says what was expected', () => {
    expect(checkWidgetValue(steps, 2.5)).toBe('expected a whole number, got 2.5');
    expect(checkWidgetValue(steps, 0)).toBe('0 is below the minimum 1');
    expect(checkWidgetValue(cfg, 31)).toBe('31 is above the maximum 30');
    expect(checkWidgetValue(cfg, Number.NaN)).toBe('expected a number, got NaN');
    expect(checkWidgetValue(sampler, 'heun')).toBe('expected one of euler, ddim, got "heun"');
    expect(checkWidgetValue(seed, -1)).toBe('-1 is below the minimum 0');
    expect(checkWidgetValue(flag, 'yes')).toBe('expected true or false, got "yes"');
    expect(checkWidgetValue(text, 5)).toBe('expected text, got 5');
  });
});

describe('parseWidgetValue', () => {
  it('parses command-line text by widget kind', () => {
    expect(parseWidgetValue(steps, '30')).toBe(30);
    expect(parseWidgetValue(cfg, '6.5')).toBe(6.5);
    expect(parseWidgetValue(seed, '12345678901')).toBe(12345678901);
    expect(parseWidgetValue(flag, 'yes')).toBe(true);
    expect(parseWidgetValue(flag, 'False')).toBe(false);
    expect(parseWidgetValue(sampler, 'ddim')).toBe('ddim');
    expect(parseWidgetValue(text, ' a cat ')).toBe(' a cat ');
  });

  it('rejects text that does not fit, with the reason', () => {
    expect(() => parseWidgetValue(steps, '3.5')).toThrow('expected a whole number, got "3.5"');
    expect(() => parseWidgetValue(steps, '999')).toThrow('999 is above the maximum 150');
    expect(() => parseWidgetValue(cfg, 'abc')).toThrow('expected a number, got "abc"');
    expect(() => parseWidgetValue(cfg, '')).toThrow('expected a number');
    expect(() => parseWidgetValue(flag, 'maybe')).toThrow('expected true or false');
    expect(() => parseWidgetValue(sampler, 'heun')).toThrow('expected one of euler, ddim');
  });
});

describe('widgetValuesWithDefaults', () => {
  it('fills missing widgets with defaults and drops unknown ones', () => {
    const int = primitiveNodes.find((d) => d.type === 'Int');
    if (!int) throw new Error('Int node missing');
    expect(widgetValuesWithDefaults(int, {})).toEqual({ value: 0 });
    expect(widgetValuesWithDefaults(int, { value: 3, stale: 1 })).toEqual({ value: 3 });
  });
});
