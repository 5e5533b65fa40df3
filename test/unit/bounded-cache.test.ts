import { describe, expect, it } from 'vitest';
import { BoundedCache } from '#core/bounded-cache';

describe('the bounded cache', () => {
  it('never holds more than its bound, and keeps what was read recently over what was not', () => {
    // Prepare
    const cache = new BoundedCache<string, number>(10);
    // Act
    const sizes: number[] = [];
    for (let i = 0; i < 100; i++) {
      cache.set(`k${i}`, i);
      expect(cache.get('k0')).toBe(0);
      sizes.push(cache.size);
    }
    // Assess
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
    expect(sizes.at(-1)).toBeGreaterThanOrEqual(5);
    expect(cache.get('k1')).toBeUndefined();
    expect(cache.get('k99')).toBe(99);
  });

  it('creates a missing value once and serves it from the cache after', () => {
    const cache = new BoundedCache<string, { n: number }>(4);
    let created = 0;
    const first = cache.getOrCreate('a', () => ({ n: ++created }));
    const second = cache.getOrCreate('a', () => ({ n: ++created }));
    expect(second).toBe(first);
    expect(created).toBe(1);
  });
});
