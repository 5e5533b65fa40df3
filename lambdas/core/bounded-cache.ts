/**
 * A map that keeps at most `maxEntries` entries, so a cache keyed by user input (rule expressions,
 * patterns) cannot grow with every new key. It drops the least recently used entries first, in two
 * generations: new and recently read entries go to the young one; when it is full, the old one is
 * dropped and the young one becomes old. A hit costs one Map lookup, which matters on the hot path
 * of rule evaluation, where a strict LRU's delete-and-reinsert per read would cost more than the rule.
 */
export class BoundedCache<K, V> {
  #young = new Map<K, V>();
  #old = new Map<K, V>();
  readonly #generation: number;

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 2) throw new RangeError(`maxEntries must be an integer of at least 2 (got ${maxEntries})`);
    this.#generation = Math.floor(maxEntries / 2);
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }

  /** The cached value, kept as recently used; undefined when absent. */
  get(key: K): V | undefined {
    const young = this.#young.get(key);
    if (young !== undefined) return young;
    const old = this.#old.get(key);
    if (old === undefined) return undefined;
    this.#old.delete(key);
    this.#add(key, old);
    return old;
  }

  set(key: K, value: V): void {
    if (this.#young.has(key)) {
      this.#young.set(key, value);
      return;
    }
    this.#old.delete(key);
    this.#add(key, value);
  }

  /** The cached value, or `create(key)` stored and returned. */
  getOrCreate(key: K, create: (key: K) => V): V {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = create(key);
    this.set(key, value);
    return value;
  }

  #add(key: K, value: V): void {
    if (this.#young.size >= this.#generation) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }
}
