import { describe, expect, it } from 'vitest';
import { ResultCache } from '../../../main/engine/execute/cache.ts';
import { estimateBytes } from '../../../main/engine/execute/estimate-bytes.ts';

describe('estimateBytes', () => {
  it('counts typed arrays by their buffer, once per buffer', () => {
    const data = new Float32Array(1000);
    const tensor = { data, shape: [10, 100] };
    expect(estimateBytes(data)).toBe(4000);
    const shared = estimateBytes({ a: tensor, b: { data: data.subarray(0, 10), shape: [10] } });
    expect(shared).toBeGreaterThanOrEqual(4000);
    expect(shared).toBeLessThan(4200);
  });
});

describe('ResultCache', () => {
  const entry = () => ({ x: new Float32Array(10) });
  const size = estimateBytes(entry());

  it('evicts the least recently used entry first', () => {
    const cache = new ResultCache(2 * size);
    cache.set('a', entry());
    cache.set('b', entry());
    expect(cache.get('a')).toBeDefined();
    cache.set('c', entry());
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    expect(cache.bytes).toBe(2 * size);
  });

  it('does not store a result bigger than the whole budget', () => {
    const cache = new ResultCache(size - 1);
    cache.set('a', entry());
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it('replacing an entry keeps the byte count right', () => {
    const cache = new ResultCache(10 * size);
    cache.set('a', entry());
    cache.set('a', entry());
    expect(cache.bytes).toBe(size);
    cache.clear();
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
  });
});
