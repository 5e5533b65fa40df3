/**
 * A map that keeps at most `maxEntries` entries and drops the least recently used one first, so a
 * cache keyed by user input (rule expressions, patterns) cannot grow with every new key.
 */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer (got ${maxEntries})`);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached value, marked as the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    // A Map iterates in insertion order, so its first key is the least recently used.
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value as K);
  }

  /** The cached value, or `create(key)` stored and returned. */
  getOrCreate(key: K, create: (key: K) => V): V {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = create(key);
    this.set(key, value);
    return value;
  }
}
