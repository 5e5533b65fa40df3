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

describe('the bounded cache by weight', () => {
  it('keeps the total weight of its keys within the bound, and does not cache a key heavier than half of it', () => {
    // Prepare
    const cache = new BoundedCache<string, number>(1000, 100, (key) => key.length);
    // Act
    for (let i = 0; i < 200; i++) cache.set(`key-${i}`.padEnd(20, '.'), i);
    cache.set('x'.repeat(51), 1);
    // Assess
    expect(cache.weight).toBeLessThanOrEqual(100);
    expect(cache.size).toBeLessThanOrEqual(5);
    expect(cache.get('x'.repeat(51))).toBeUndefined();
    expect(cache.get('key-199'.padEnd(20, '.'))).toBe(199);
  });
});
